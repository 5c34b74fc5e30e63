package io.factorytwin.control.service;

import java.util.regex.Pattern;

/**
 * A point-name pattern as agent scopes and guardrails use it: {@code *} matches any run of
 * characters except {@code /}, {@code ?} matches one character except {@code /}, every other
 * character matches itself, and the pattern must match the whole name.
 */
public final class PointPattern {

  /** Longest pattern accepted, in characters. */
  static final int MAX_LENGTH = 1000;

  private static final Pattern SHAPE = Pattern.compile("twins/[^/]+/points/[^/]+");

  private final String text;
  private final Pattern regex;

  private PointPattern(String text) {
    this.text = text;
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.regex = Pattern.compile(regex.toString());
  }

  /**
   * Parses a pattern, or returns null when it is malformed: empty, longer than {@link #MAX_LENGTH},
   * with whitespace, or not of the shape {@code twins/{twin}/points/{point}} with wildcards.
   */
  public static PointPattern parse(String text) {
    if (text == null
        || text.isEmpty()
        || text.length() > MAX_LENGTH
        || text.chars().anyMatch(Character::isWhitespace)
        || !SHAPE.matcher(text).matches()) {
      return null;
    }
    return new PointPattern(text);
  }

  /** Returns whether the pattern matches the whole point name. */
  public boolean matches(String pointName) {
    return regex.matcher(pointName).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
