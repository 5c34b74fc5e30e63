package io.factorytwin.support.filter;

import io.factorytwin.support.error.InvalidArgumentException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A List filter in the subset of AIP-160 the contract names: comparisons with {@code =}, {@code
 * !=}, {@code <}, {@code <=}, {@code >} and {@code >=}, joined by {@code AND}, {@code OR} and
 * {@code NOT} (or a leading {@code -}), with parentheses. A value is a double- or single-quoted
 * string, in which a backslash takes the next character literally, or a bare word such as an enum
 * name, a number or {@code true}. A text value that ends in {@code *} matches by prefix, as in
 * {@code point = "twins/hall-1/points/cdu-01*"}.
 *
 * <p>A parsed filter is rendered as a condition for a SQL or HQL query, or evaluated against one
 * record in memory. Both follow SQL's three-valued logic, so a field without a value (NULL) makes
 * every comparison unknown, and {@code NOT} of an unknown stays unknown: a record matches in memory
 * exactly when the query would return it.
 */
public final class Filter {

  /** Maximum filter length in characters, so that one request cannot keep the parser busy. */
  public static final int MAX_LENGTH = 2000;

  /** Maximum nesting of parentheses and NOT, which bounds the parser's recursion. */
  public static final int MAX_DEPTH = 32;

  /** Comparison operators, with the spelling a SQL condition uses. */
  public enum Operator {
    EQ("=", "="),
    NE("!=", "<>"),
    LT("<", "<"),
    LE("<=", "<="),
    GT(">", ">"),
    GE(">=", ">=");

    private final String text;
    private final String sql;

    Operator(String text, String sql) {
      this.text = text;
      this.sql = sql;
    }

    static Operator of(String token) {
      for (Operator operator : values()) {
        if (operator.text.equals(token)) {
          return operator;
        }
      }
      return null;
    }

    boolean holds(int comparison) {
      return switch (this) {
        case EQ -> comparison == 0;
        case NE -> comparison != 0;
        case LT -> comparison < 0;
        case LE -> comparison <= 0;
        case GT -> comparison > 0;
        case GE -> comparison >= 0;
      };
    }
  }

  /**
   * A filterable field.
   *
   * @param column the column or path the rendered condition names
   * @param orderable whether {@code <} and {@code >} apply; false for enums and booleans
   * @param prefixMatch whether a value ending in {@code *} matches by prefix (text fields)
   * @param convert turns the filter's text into the value compared, or returns null for text that
   *     is not a valid value of the field; the value must be {@link Comparable} with the values
   *     {@link #matches} receives for the field
   */
  public record Field(
      String column, boolean orderable, boolean prefixMatch, Function<String, Object> convert) {

    /** Returns a text field compared as written. */
    public static Field text(String column) {
      return new Field(column, true, true, value -> value);
    }

    /**
     * Returns a text field whose values the converter maps to the stored form, or rejects (null).
     */
    public static Field text(String column, Function<String, Object> convert) {
      return new Field(column, true, true, convert);
    }

    /**
     * Returns an enum field stored by its name. The filter may give the name with or without the
     * proto enum's prefix ({@code REJECTED} or {@code STATE_REJECTED}), in any case.
     */
    public static Field enumeration(String column, String protoPrefix, List<String> names) {
      return new Field(
          column,
          false,
          false,
          value -> {
            String upper = value.toUpperCase(Locale.ROOT);
            if (upper.startsWith(protoPrefix)) {
              upper = upper.substring(protoPrefix.length());
            }
            return names.contains(upper) ? upper : null;
          });
    }

    /** Returns a boolean field: {@code true} or {@code false}. */
    public static Field bool(String column) {
      return new Field(
          column,
          false,
          false,
          value ->
              switch (value) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
              });
    }

    /** Returns a timestamp field written in RFC 3339, such as {@code "2026-12-05T10:00:00Z"}. */
    public static Field timestamp(String column) {
      return new Field(
          column,
          true,
          false,
          value -> {
            try {
              return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
              return null;
            }
          });
    }

    /** Returns a whole-number field that fits a signed 64-bit integer. */
    public static Field integer(String column) {
      return new Field(
          column,
          true,
          false,
          value -> {
            try {
              return Long.parseLong(value);
            } catch (NumberFormatException e) {
              return null;
            }
          });
    }
  }

  /** A node of the parsed filter. */
  private sealed interface Node permits AnyOf, AllOf, Not, Comparison {}

  private record AnyOf(List<Node> terms) implements Node {}

  private record AllOf(List<Node> terms) implements Node {}

  private record Not(Node term) implements Node {}

  private record Comparison(
      String name, Field field, Operator operator, Object value, boolean prefix) implements Node {}

  private static final Filter EMPTY = new Filter(null);

  private final Node root;

  private Filter(Node root) {
    this.root = root;
  }

  /**
   * Parses a filter over the given fields, keyed by the names the contract uses. An empty or blank
   * filter matches everything. A malformed filter fails with INVALID_ARGUMENT on the field {@code
   * filter}, saying what is wrong and where.
   */
  public static Filter parse(String text, Map<String, Field> fields) {
    if (text.isBlank()) {
      return EMPTY;
    }
    if (text.length() > MAX_LENGTH) {
      throw invalid("longer than " + MAX_LENGTH + " characters");
    }
    Parser parser = new Parser(Tokens.split(text), fields);
    Node root = parser.anyOf(0);
    parser.end();
    return new Filter(root);
  }

  /** True for the filter that matches everything. */
  public boolean isEmpty() {
    return root == null;
  }

  /**
   * Renders the filter as a condition, or returns the empty string for the empty filter. Each value
   * goes through {@code parameter}, which stores it and returns its placeholder ({@code ?} for
   * JDBC, {@code :name} for HQL), so no value is ever spliced into the query text. A prefix match
   * renders as {@code LIKE} with backslash as the escape character.
   */
  public String render(Function<Object, String> parameter) {
    return root == null ? "" : render(root, parameter);
  }

  private static String render(Node node, Function<Object, String> parameter) {
    return switch (node) {
      case AnyOf any -> join(any.terms(), " OR ", parameter);
      case AllOf all -> join(all.terms(), " AND ", parameter);
      case Not not -> "NOT " + render(not.term(), parameter);
      case Comparison c when c.prefix() ->
          c.field().column()
              + (c.operator() == Operator.NE ? " NOT LIKE " : " LIKE ")
              + parameter.apply(likePattern((String) c.value()))
              + " ESCAPE '\\'";
      case Comparison c ->
          c.field().column() + " " + c.operator().sql + " " + parameter.apply(c.value());
    };
  }

  private static String join(List<Node> terms, String separator, Function<Object, String> p) {
    List<String> parts = new ArrayList<>(terms.size());
    for (Node term : terms) {
      parts.add(render(term, p));
    }
    return "(" + String.join(separator, parts) + ")";
  }

  private static String likePattern(String prefix) {
    StringBuilder pattern = new StringBuilder(prefix.length() + 1);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '%' || c == '_' || c == '\\') {
        pattern.append('\\');
      }
      pattern.append(c);
    }
    return pattern.append('%').toString();
  }

  /**
   * Evaluates the filter against one record. {@code valueOf} returns a field's value by the name
   * the filter uses, of the type the field's converter produces, or null when the record has none.
   */
  public boolean matches(Function<String, Object> valueOf) {
    return root == null || Boolean.TRUE.equals(evaluate(root, valueOf));
  }

  /** Returns TRUE, FALSE or null for unknown, as SQL would. */
  private static Boolean evaluate(Node node, Function<String, Object> valueOf) {
    return switch (node) {
      case AnyOf any -> {
        boolean unknown = false;
        for (Node term : any.terms()) {
          Boolean value = evaluate(term, valueOf);
          if (Boolean.TRUE.equals(value)) {
            yield true;
          }
          unknown |= value == null;
        }
        yield unknown ? null : false;
      }
      case AllOf all -> {
        boolean unknown = false;
        for (Node term : all.terms()) {
          Boolean value = evaluate(term, valueOf);
          if (Boolean.FALSE.equals(value)) {
            yield false;
          }
          unknown |= value == null;
        }
        yield unknown ? null : true;
      }
      case Not not -> {
        Boolean value = evaluate(not.term(), valueOf);
        yield value == null ? null : !value;
      }
      case Comparison c -> compare(c, valueOf.apply(c.name()));
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Boolean compare(Comparison c, Object actual) {
    if (actual == null) {
      return null;
    }
    if (c.prefix()) {
      boolean starts = ((String) actual).startsWith((String) c.value());
      return c.operator() == Operator.NE ? !starts : starts;
    }
    if (actual instanceof Instant instant && c.value() instanceof Instant) {
      // Stored times have microsecond precision; compare at that precision, as the database does.
      actual = instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
    return c.operator().holds(((Comparable) actual).compareTo(c.value()));
  }

  private static InvalidArgumentException invalid(String problem) {
    return new InvalidArgumentException("filter", "invalid filter: " + problem);
  }

  /** Splits the text into parentheses, operators, quoted strings and bare words. */
  private static final class Tokens {

    private Tokens() {}

    static List<String> split(String text) {
      List<String> tokens = new ArrayList<>();
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
            throw invalid("the string starting at position " + (i + 1) + " has no closing quote");
          }
          tokens.add(text.substring(i, end + 1));
          i = end + 1;
        } else if ("<>=!".indexOf(c) >= 0) {
          int end = i + 1;
          if (end < text.length() && text.charAt(end) == '=' && c != '=') {
            end++;
          }
          String operator = text.substring(i, end);
          if (operator.equals("!")) {
            throw invalid("'!' at position " + (i + 1) + " must be followed by '='");
          }
          tokens.add(operator);
          i = end;
        } else if (c == '-' && i + 1 < text.length() && Character.isLetter(text.charAt(i + 1))) {
          // A leading minus before a field name is NOT; before a digit it is a number's sign.
          tokens.add("-");
          i++;
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
      return tokens;
    }
  }

  /** Recursive descent over the tokens: OR binds loosest, then AND, then NOT. */
  private static final class Parser {

    private final List<String> tokens;
    private final Map<String, Field> fields;
    private int position;

    Parser(List<String> tokens, Map<String, Field> fields) {
      this.tokens = tokens;
      this.fields = fields;
    }

    Node anyOf(int depth) {
      List<Node> terms = new ArrayList<>();
      terms.add(allOf(depth));
      while (accept("OR")) {
        terms.add(allOf(depth));
      }
      return terms.size() == 1 ? terms.getFirst() : new AnyOf(List.copyOf(terms));
    }

    private Node allOf(int depth) {
      List<Node> terms = new ArrayList<>();
      terms.add(unary(depth));
      while (accept("AND")) {
        terms.add(unary(depth));
      }
      return terms.size() == 1 ? terms.getFirst() : new AllOf(List.copyOf(terms));
    }

    private Node unary(int depth) {
      if (depth >= MAX_DEPTH) {
        throw invalid("parentheses and NOT nest deeper than " + MAX_DEPTH + " levels");
      }
      if (accept("NOT") || accept("-")) {
        return new Not(unary(depth + 1));
      }
      if (accept("(")) {
        Node inner = anyOf(depth + 1);
        if (!accept(")")) {
          throw invalid("expected ')' " + where());
        }
        return inner;
      }
      return comparison();
    }

    private Node comparison() {
      String name = next("a field name");
      Field field = fields.get(name);
      if (field == null) {
        throw invalid(
            "unknown field '"
                + name
                + "'; the fields of this call are "
                + fields.keySet().stream().sorted().toList());
      }
      String token = next("a comparison operator after '" + name + "'");
      Operator operator = Operator.of(token);
      if (operator == null) {
        throw invalid("expected a comparison operator after '" + name + "', got '" + token + "'");
      }
      if (!field.orderable() && operator != Operator.EQ && operator != Operator.NE) {
        throw invalid("'" + name + "' takes only = and !=");
      }
      String value = unquote(next("a value after '" + name + " " + token + "'"));
      boolean prefix = field.prefixMatch() && value.endsWith("*");
      if (prefix && operator != Operator.EQ && operator != Operator.NE) {
        throw invalid("a value ending in '*' takes only = and !=");
      }
      Object converted =
          field.convert().apply(prefix ? value.substring(0, value.length() - 1) : value);
      if (converted == null) {
        throw invalid("'" + value + "' is not a valid value of '" + name + "'");
      }
      if (prefix && !(converted instanceof String)) {
        throw invalid("'" + name + "' does not match by prefix");
      }
      return new Comparison(name, field, operator, converted, prefix);
    }

    void end() {
      if (position < tokens.size()) {
        throw invalid(
            "unexpected '"
                + tokens.get(position)
                + "' "
                + where()
                + "; join comparisons with AND or OR");
      }
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

    private String where() {
      return position < tokens.size() ? "at token " + (position + 1) : "at the end";
    }

    private String unquote(String token) {
      char first = token.charAt(0);
      if (first == '"' || first == '\'') {
        StringBuilder value = new StringBuilder(token.length());
        for (int i = 1; i < token.length() - 1; i++) {
          char c = token.charAt(i);
          if (c == '\\' && i + 1 < token.length() - 1) {
            c = token.charAt(++i);
          }
          value.append(c);
        }
        return value.toString();
      }
      if (token.equals("(") || token.equals(")") || Operator.of(token) != null) {
        throw invalid("expected a value, got '" + token + "'");
      }
      return token;
    }
  }
}
