package io.factorytwin.control.audit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON in the canonical form of RFC 8785 (JSON Canonicalization Scheme): no whitespace,
 * object members sorted by their names in UTF-16 code units, strings with only the required
 * escapes, and numbers as ECMAScript prints them. Equal content always gives equal bytes, which the
 * audit hash chain relies on.
 *
 * <p>Values may be {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
 * {@link Double}, a {@link List} of values, or a {@link Map} with string keys.
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  /** Returns the canonical JSON text of the value. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case String text -> appendString(out, text);
      case Boolean flag -> out.append(flag);
      case Integer number -> out.append(number);
      case Long number -> appendLong(out, number);
      case Double number -> appendDouble(out, number);
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          append(out, list.get(i));
        }
        out.append(']');
      }
      case Map<?, ?> map -> {
        // TreeMap over String keys orders by UTF-16 code units, as RFC 8785 section 3.2.3 asks.
        TreeMap<String, Object> sorted = new TreeMap<>();
        map.forEach((key, member) -> sorted.put((String) key, member));
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> member : sorted.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          appendString(out, member.getKey());
          out.append(':');
          append(out, member.getValue());
        }
        out.append('}');
      }
      default ->
          throw new IllegalArgumentException(
              "no canonical JSON form for " + value.getClass().getSimpleName());
    }
  }

  /** Writes a long; JSON numbers are doubles, so a value beyond 2^53 would lose digits. */
  private static void appendLong(StringBuilder out, long number) {
    if (Math.abs(number) > (1L << 53)) {
      throw new IllegalArgumentException(number + " has no exact JSON number form");
    }
    out.append(number);
  }

  /**
   * Writes a double as ECMAScript's Number.prototype.toString does: the shortest digits that read
   * back to the same double, plain notation for exponents from -7 to 20, else scientific notation.
   */
  private static void appendDouble(StringBuilder out, double number) {
    if (!Double.isFinite(number)) {
      throw new IllegalArgumentException("JSON has no form for " + number);
    }
    if (number == 0) {
      out.append('0');
      return;
    }
    // Since Java 19, Double.toString returns the shortest decimal that rounds to the double.
    BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(number))).stripTrailingZeros();
    String digits = decimal.unscaledValue().toString();
    int k = digits.length();
    // The value is digits x 10^(n - k), in the terms of ECMA-262 Number::toString.
    int n = k - decimal.scale();
    if (number < 0) {
      out.append('-');
    }
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      int exponent = n - 1;
      out.append('e').append(exponent < 0 ? "-" : "+").append(Math.abs(exponent));
    }
  }

  private static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
