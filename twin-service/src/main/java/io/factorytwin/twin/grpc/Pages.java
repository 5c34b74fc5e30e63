package io.factorytwin.twin.grpc;

import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page sizes and tokens. A token carries a fingerprint of the request it belongs to (filter, order,
 * revision), so a token replayed with another filter fails instead of skipping rows.
 */
final class Pages {

  static final int DEFAULT_SIZE = 50;
  static final int MAX_SIZE = 1000;

  private Pages() {}

  static int size(int requested) {
    if (requested < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative");
    }
    return requested == 0 ? DEFAULT_SIZE : Math.min(requested, MAX_SIZE);
  }

  /** Encodes the position after which the next page starts. */
  static String token(String fingerprint, String position) {
    String text = Integer.toHexString(fingerprint.hashCode()) + "|" + position;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token; returns null for an empty token. */
  static String position(String token, String fingerprint) {
    if (token.isEmpty()) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    int bar = text.indexOf('|');
    if (bar < 0 || !text.substring(0, bar).equals(Integer.toHexString(fingerprint.hashCode()))) {
      throw invalid();
    }
    return text.substring(bar + 1);
  }

  private static InvalidArgumentException invalid() {
    return new InvalidArgumentException(
        "page_token",
        "is not a token of this request; send the filter, order and revision of the request that"
            + " returned it, or start again without a token");
  }
}
