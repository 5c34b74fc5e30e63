package io.factorytwin.lifecycle.service;

import io.factorytwin.support.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Translates a List filter in the subset of AIP-160 the contract names (comparisons with =, !=,
 * &lt;, &lt;=, &gt;, &gt;= joined by AND, OR and NOT, with parentheses) into an HQL condition with
 * named parameters. Only the fields in the field table are accepted. Values are double- or
 * single-quoted strings, or bare words such as enum value names.
 */
final class FilterParser {

  /**
   * A filterable field.
   *
   * @param path HQL path of the field, such as {@code p.manufacturer}
   * @param orderable whether &lt; and &gt; apply; false for enums
   * @param convert turns the filter's text into the parameter value, returning null for a value
   *     that is not valid for the field
   */
  record Field(String path, boolean orderable, Function<String, Object> convert) {

    static Field text(String path) {
      return new Field(path, true, value -> value);
    }
  }

  /** The HQL condition and its parameters; the condition is empty for an empty filter. */
  record Condition(String hql, Map<String, Object> parameters) {}

  private static final List<String> OPERATORS = List.of("<=", ">=", "!=", "=", "<", ">");

  private final String text;
  private final Map<String, Field> fields;
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final List<String> tokens = new ArrayList<>();
  private int position;

  private FilterParser(String text, Map<String, Field> fields) {
    this.text = text;
    this.fields = fields;
  }

  /** Parses a filter; an empty or blank filter matches everything. */
  static Condition parse(String filter, Map<String, Field> fields) {
    if (filter.isBlank()) {
      return new Condition("", Map.of());
    }
    FilterParser parser = new FilterParser(filter, fields);
    parser.tokenize();
    String hql = parser.disjunction();
    if (parser.position < parser.tokens.size()) {
      throw parser.invalid("unexpected '" + parser.tokens.get(parser.position) + "'");
    }
    return new Condition(hql, Map.copyOf(parser.parameters));
  }

  private String disjunction() {
    StringBuilder hql = new StringBuilder(conjunction());
    while (accept("OR")) {
      hql.append(" or ").append(conjunction());
    }
    return "(" + hql + ")";
  }

  private String conjunction() {
    StringBuilder hql = new StringBuilder(negation());
    while (accept("AND")) {
      hql.append(" and ").append(negation());
    }
    return "(" + hql + ")";
  }

  private String negation() {
    if (accept("NOT") || accept("-")) {
      return "not " + negation();
    }
    if (accept("(")) {
      String inner = disjunction();
      expect(")");
      return inner;
    }
    return comparison();
  }

  private String comparison() {
    String name = next("a field name");
    Field field = fields.get(name);
    if (field == null) {
      throw invalid(
          "unknown field '"
              + name
              + "'; the filterable fields are "
              + fields.keySet().stream().sorted().toList());
    }
    String operator = next("a comparison operator");
    if (!OPERATORS.contains(operator)) {
      throw invalid("expected a comparison operator after '" + name + "', got '" + operator + "'");
    }
    if (!field.orderable() && !operator.equals("=") && !operator.equals("!=")) {
      throw invalid("field '" + name + "' takes only = and !=");
    }
    String raw = next("a value");
    String value = unquote(raw);
    Object converted = field.convert().apply(value);
    if (converted == null) {
      throw invalid("'" + value + "' is not a valid value of '" + name + "'");
    }
    String parameter = "f" + parameters.size();
    parameters.put(parameter, converted);
    String hqlOperator = operator.equals("!=") ? "<>" : operator;
    return field.path() + " " + hqlOperator + " :" + parameter;
  }

  private boolean accept(String token) {
    if (position < tokens.size() && tokens.get(position).equals(token)) {
      position++;
      return true;
    }
    return false;
  }

  private void expect(String token) {
    if (!accept(token)) {
      throw invalid("expected '" + token + "'");
    }
  }

  private String next(String expected) {
    if (position >= tokens.size()) {
      throw invalid("expected " + expected + " at the end");
    }
    return tokens.get(position++);
  }

  private String unquote(String token) {
    if (token.length() >= 2 && (token.charAt(0) == '"' || token.charAt(0) == '\'')) {
      StringBuilder value = new StringBuilder();
      for (int i = 1; i < token.length() - 1; i++) {
        char c = token.charAt(i);
        // A backslash takes the next character literally, so quotes can appear in values.
        if (c == '\\' && i + 1 < token.length() - 1) {
          i++;
          c = token.charAt(i);
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
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')') {
        tokens.add(String.valueOf(c));
        i++;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= text.length()) {
          throw invalid("unterminated string starting at position " + i);
        }
        tokens.add(text.substring(i, end + 1));
        i = end + 1;
      } else if ("<>=!".indexOf(c) >= 0) {
        int end = i + 1;
        if (end < text.length() && text.charAt(end) == '=') {
          end++;
        }
        String operator = text.substring(i, end);
        if (operator.equals("!")) {
          throw invalid("'!' must be followed by '='");
        }
        tokens.add(operator);
        i = end;
      } else {
        int end = i;
        while (end < text.length()
            && !Character.isWhitespace(text.charAt(end))
            && "()<>=!\"'".indexOf(text.charAt(end)) < 0) {
          end++;
        }
        tokens.add(text.substring(i, end));
        i = end;
      }
    }
  }

  private InvalidArgumentException invalid(String problem) {
    return new InvalidArgumentException("filter", "invalid filter: " + problem);
  }
}
