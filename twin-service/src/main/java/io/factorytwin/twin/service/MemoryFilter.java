package io.factorytwin.twin.service;

import io.factorytwin.support.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A List filter in the contract's subset of AIP-160 (comparisons with =, !=, &lt;, &lt;=, &gt;,
 * &gt;= joined by AND, OR and NOT, with parentheses), compiled into a predicate over records held
 * in memory. A record exposes its fields through a lookup function that returns a String, a Double,
 * a Boolean, or null when the field is absent; a comparison with an absent field is false.
 *
 * @param <T> the record type
 */
public final class MemoryFilter<T> {

  /** How a field's values compare. */
  public enum Type {
    /** Strings, compared lexically; all operators apply. */
    TEXT,
    /** Enum value names; only = and != apply. */
    ENUM,
    /** Numbers; all operators apply. */
    NUMBER,
    /** Whatever the record holds: numbers compare as numbers, other values as text. */
    DYNAMIC
  }

  private static final List<String> OPERATORS = List.of("<=", ">=", "!=", "=", "<", ">");

  /** Deepest nesting of parentheses and NOT; deeper filters are rejected, not recursed into. */
  private static final int MAX_DEPTH = 64;

  /** Maximum length of a filter in characters. */
  private static final int MAX_LENGTH = 16_384;

  private int depth;

  /** The names an enum field takes, by field name; fields missing here take any name. */
  private static final Map<String, java.util.Set<String>> ENUMS =
      Map.of(
          "equipment_class", names(io.factorytwin.common.v1.EquipmentClass.values()),
          "kind",
              union(
                  names(io.factorytwin.twin.v1.Point.Kind.values()),
                  names(io.factorytwin.twin.v1.EdgeKind.values())),
          "power_path", names(io.factorytwin.common.v1.PowerPath.values()),
          "coolant_loop", names(io.factorytwin.twin.v1.CoolantLoop.values()),
          "state", names(io.factorytwin.twin.v1.Insight.State.values()),
          "severity", names(io.factorytwin.twin.v1.Insight.Severity.values()),
          "rule_kind", names(io.factorytwin.twin.v1.Insight.RuleKind.values()));

  private static java.util.Set<String> names(Enum<?>[] values) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Enum<?> value : values) {
      if (!value.name().equals("UNRECOGNIZED")) {
        names.add(value.name());
      }
    }
    return java.util.Set.copyOf(names);
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return java.util.Set.copyOf(all);
  }

  private final String fieldName;
  private final String text;
  private final Map<String, Type> fields;
  private final Map<String, java.util.Set<String>> enumValues;
  private final List<String> prefixes;
  private final List<String> tokens = new ArrayList<>();
  private int position;

  private MemoryFilter(
      String fieldName,
      String text,
      Map<String, Type> fields,
      Map<String, java.util.Set<String>> enumValues) {
    this.fieldName = fieldName;
    this.enumValues = enumValues;
    this.text = text;
    this.fields = fields;
    this.prefixes = fields.keySet().stream().filter(f -> f.endsWith(".")).map(f -> f).toList();
  }

  /**
   * Compiles a filter.
   *
   * @param fieldName the request field the filter came in, for the field violation
   * @param filter the filter text; blank matches everything
   * @param fields the filterable fields; a key ending in a dot ({@code attributes.}) admits every
   *     field that starts with it
   * @param lookup reads a field of a record
   */
  public static <T> Predicate<T> compile(
      String fieldName,
      String filter,
      Map<String, Type> fields,
      java.util.function.BiFunction<T, String, Object> lookup) {
    if (filter.isBlank()) {
      return record -> true;
    }
    if (filter.length() > MAX_LENGTH) {
      throw new InvalidArgumentException(fieldName, "at most " + MAX_LENGTH + " characters");
    }
    MemoryFilter<T> parser = new MemoryFilter<>(fieldName, filter, fields, ENUMS);
    parser.tokenize();
    Predicate<T> predicate = parser.disjunction(lookup);
    if (parser.position < parser.tokens.size()) {
      throw parser.invalid("unexpected '" + parser.tokens.get(parser.position) + "'");
    }
    return predicate;
  }

  private Predicate<T> disjunction(java.util.function.BiFunction<T, String, Object> lookup) {
    Predicate<T> result = conjunction(lookup);
    while (accept("OR")) {
      result = result.or(conjunction(lookup));
    }
    return result;
  }

  private Predicate<T> conjunction(java.util.function.BiFunction<T, String, Object> lookup) {
    Predicate<T> result = unary(lookup);
    while (accept("AND")) {
      result = result.and(unary(lookup));
    }
    return result;
  }

  private Predicate<T> unary(java.util.function.BiFunction<T, String, Object> lookup) {
    if (++depth > MAX_DEPTH) {
      throw invalid("nested deeper than " + MAX_DEPTH + " levels");
    }
    try {
      if (accept("NOT") || accept("-")) {
        return unary(lookup).negate();
      }
      if (accept("(")) {
        Predicate<T> inner = disjunction(lookup);
        if (!accept(")")) {
          throw invalid("expected ')'");
        }
        return inner;
      }
      return comparison(lookup);
    } finally {
      depth--;
    }
  }

  private Type typeOf(String name) {
    Type type = fields.get(name);
    if (type != null && !name.endsWith(".")) {
      return type;
    }
    for (String prefix : prefixes) {
      if (name.startsWith(prefix) && name.length() > prefix.length()) {
        return fields.get(prefix);
      }
    }
    throw invalid(
        "unknown field '"
            + name
            + "'; the filterable fields are "
            + fields.keySet().stream()
                .map(f -> f.endsWith(".") ? f + "<key>" : f)
                .sorted()
                .toList());
  }

  private Predicate<T> comparison(java.util.function.BiFunction<T, String, Object> lookup) {
    String name = next("a field name");
    Type type = typeOf(name);
    String operator = next("a comparison operator");
    if (!OPERATORS.contains(operator)) {
      throw invalid("expected a comparison operator after '" + name + "', got '" + operator + "'");
    }
    if (type == Type.ENUM && !operator.equals("=") && !operator.equals("!=")) {
      throw invalid("field '" + name + "' takes only = and !=");
    }
    String value = unquote(next("a value"));
    if (type == Type.ENUM
        && enumValues.containsKey(name)
        && !enumValues.get(name).contains(value)) {
      throw invalid("'" + value + "' is not a value of '" + name + "'");
    }
    Double number = null;
    if (type == Type.NUMBER || type == Type.DYNAMIC) {
      try {
        number = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        if (type == Type.NUMBER) {
          throw invalid("'" + value + "' is not a number, as field '" + name + "' needs");
        }
      }
    }
    Double expectedNumber = number;
    Function<Integer, Boolean> test = comparisonResult(operator);
    return record -> {
      Object actual = lookup.apply(record, name);
      if (actual == null) {
        return false;
      }
      int order;
      if (actual instanceof Double d && expectedNumber != null) {
        order = Double.compare(d, expectedNumber);
      } else if (actual instanceof Boolean b) {
        order = b.toString().compareTo(value.toLowerCase(java.util.Locale.ROOT));
      } else {
        order = actual.toString().compareTo(value);
      }
      return test.apply(order);
    };
  }

  private static Function<Integer, Boolean> comparisonResult(String operator) {
    return switch (operator) {
      case "=" -> order -> order == 0;
      case "!=" -> order -> order != 0;
      case "<" -> order -> order < 0;
      case "<=" -> order -> order <= 0;
      case ">" -> order -> order > 0;
      default -> order -> order >= 0;
    };
  }

  private boolean accept(String token) {
    if (position < tokens.size() && tokens.get(position).equals(token)) {
      position++;
      return true;
    }
    return false;
  }

  private String next(String expected) {
    if (position >= tokens.size()) {
      throw invalid("expected " + expected + " at the end");
    }
    return tokens.get(position++);
  }

  private String unquote(String token) {
    char first = token.charAt(0);
    if (token.length() >= 2 && (first == '"' || first == '\'')) {
      StringBuilder value = new StringBuilder(token.length());
      for (int i = 1; i < token.length() - 1; i++) {
        char c = token.charAt(i);
        // A backslash takes the next character literally, so a value can hold a quote.
        if (c == '\\' && i + 1 < token.length() - 1) {
          c = token.charAt(++i);
        }
        value.append(c);
      }
      return value.toString();
    }
    if (token.equals("(") || token.equals(")") || OPERATORS.contains(token)) {
      throw invalid("expected a value, got '" + token + "'");
    }
    return token;
  }

  private void tokenize() {
    int i = 0;
    int length = text.length();
    while (i < length) {
      char c = text.charAt(i);
      int end = i + 1;
      if (Character.isWhitespace(c)) {
        i = end;
        continue;
      }
      if (c == '"' || c == '\'') {
        while (end < length && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= length) {
          throw invalid("unterminated string starting at position " + i);
        }
        end++;
      } else if ("<>=!".indexOf(c) >= 0) {
        if (end < length && text.charAt(end) == '=') {
          end++;
        } else if (c == '!') {
          throw invalid("'!' must be followed by '='");
        }
      } else if (c != '(' && c != ')') {
        while (end < length
            && !Character.isWhitespace(text.charAt(end))
            && "()<>=!\"'".indexOf(text.charAt(end)) < 0) {
          end++;
        }
      }
      tokens.add(text.substring(i, end));
      i = end;
    }
  }

  private InvalidArgumentException invalid(String problem) {
    return new InvalidArgumentException(fieldName, "invalid filter: " + problem);
  }
}
