package io.factorytwin.lifecycle.model;

import java.util.Locale;

/**
 * Converts revision numbers to letters and back: 1 is A, 26 is Z, 27 is AA, 28 is AB, as in
 * spreadsheet columns (bijective base 26). Revision ids are the letters in lower case.
 */
public final class RevisionLabels {

  /** Longest revision id accepted; seven letters count past 8 billion revisions. */
  static final int MAX_LETTERS = 7;

  private RevisionLabels() {}

  /** Returns the upper-case label of a revision number, which must be at least 1. */
  public static String label(int number) {
    if (number < 1) {
      throw new IllegalArgumentException("revision numbers start at 1, got " + number);
    }
    StringBuilder letters = new StringBuilder();
    int rest = number;
    while (rest > 0) {
      rest--;
      letters.append((char) ('A' + rest % 26));
      rest /= 26;
    }
    return letters.reverse().toString();
  }

  /** Returns the lower-case revision id of a revision number. */
  public static String id(int number) {
    return label(number).toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the revision number of a lower-case revision id, or -1 when the id is not a sequence of
   * lower-case letters or its number does not fit an int.
   */
  public static int number(String id) {
    if (id.isEmpty() || id.length() > MAX_LETTERS) {
      return -1;
    }
    long number = 0;
    for (int i = 0; i < id.length(); i++) {
      char letter = id.charAt(i);
      if (letter < 'a' || letter > 'z') {
        return -1;
      }
      number = number * 26 + (letter - 'a' + 1);
    }
    return number > Integer.MAX_VALUE ? -1 : (int) number;
  }
}
