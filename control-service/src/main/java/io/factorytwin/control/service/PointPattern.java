package io.factorytwin.control.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  /**
   * Parsed patterns by text. Every proposal matches its point against every guardrail and scope,
   * and compiling the regular expressions each time cost about 3 % of control-service's CPU in the
   * batched benchmark. Guardrails and scopes are few; the cache starts over when it grows past this
   * many patterns, so arbitrary input cannot fill the heap.
   */
  private static final int CACHE_SIZE = 4096;

  private static final Map<String, PointPattern> CACHE = new ConcurrentHashMap<>();

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
    PointPattern cached = CACHE.get(text);
    if (cached == null) {
      if (CACHE.size() >= CACHE_SIZE) {
        CACHE.clear();
      }
      cached = new PointPattern(text);
      CACHE.put(text, cached);
    }
    return cached;
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
