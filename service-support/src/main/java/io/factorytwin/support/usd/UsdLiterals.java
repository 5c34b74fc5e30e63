package io.factorytwin.support.usd;

import java.util.Locale;

/**
 * Literals and names of the USD ASCII format (`.usda`), written the same way every time so an
 * export of the same content gives the same bytes.
 */
public final class UsdLiterals {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Largest magnitude written without a fraction; doubles are exact integers below 2^53. */
  private static final double MAX_PLAIN_INTEGER = 1e15;

  private UsdLiterals() {}

  /**
   * Appends a double-quoted string literal. Backslash, quote, newline, carriage return and tab get
   * their C escapes, and other control characters a C hex escape ({@code \xHH}). Everything else is
   * written as it is, because a layer is UTF-8. NOTE: TinyUSDZ 0.9.0-rc10 reads {@code \x01} as the
   * three characters {@code x01}, so such a value differs when read back with it.
   */
  public static void appendString(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  public static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    appendString(out, value);
    return out.toString();
  }

  /**
   * Returns a double as USD reads it back to the same value: integers without a fraction, others in
   * Java's shortest round-trip form ({@code 0.0002} stays {@code 2.0e-4}).
   */
  public static String number(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < MAX_PLAIN_INTEGER) {
      return Long.toString((long) value);
    }
    return Double.toString(value).toLowerCase(Locale.ROOT);
  }

  /**
   * Maps one segment of an element id to a legal prim name: a USD identifier starts with a letter
   * or underscore and has only letters, digits and underscores. Hyphens become underscores and a
   * leading digit gets an underscore before it, so {@code rack-12} becomes {@code rack_12} and
   * {@code 03} becomes {@code _03}. Element id segments have only lower-case letters, digits and
   * hyphens, so two different segments never map to one name; any other character becomes {@code
   * _xHHHH_} with its UTF-16 code in hex.
   */
  public static String primName(String segment) {
    StringBuilder name = new StringBuilder(segment.length() + 1);
    if (segment.isEmpty() || Character.isDigit(segment.charAt(0))) {
      name.append('_');
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        name.append(c);
      } else if (c == '-') {
        name.append('_');
      } else {
        name.append("_x")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf])
            .append('_');
      }
    }
    return name.toString();
  }
}
