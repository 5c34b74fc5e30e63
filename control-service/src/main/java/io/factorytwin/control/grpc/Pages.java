package io.factorytwin.control.grpc;

import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page sizes and tokens of the List calls. A token carries the name of the method it belongs to, so
 * a token sent to another List call fails instead of skipping rows.
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

  static String token(String method, String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((method + "|" + position).getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the position in the token, or the empty string for the first page. */
  static String position(String token, String method) {
    if (token.isEmpty()) {
      return "";
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(method + "|")) {
      throw invalid();
    }
    return text.substring(method.length() + 1);
  }

  /**
   * Rejects the filter and order_by of a List call.
   *
   * <p>TODO: AIP-160 filters and order_by other than the default are not supported yet; a request
   * that sets them gets INVALID_ARGUMENT.
   */
  static void rejectFilterAndOrder(String filter, String orderBy, String defaultOrder) {
    if (!filter.isEmpty()) {
      throw new InvalidArgumentException("filter", "filters are not supported yet; leave it empty");
    }
    if (!orderBy.isEmpty() && !orderBy.trim().equals(defaultOrder)) {
      throw new InvalidArgumentException(
          "order_by", "only the default order '" + defaultOrder + "' is supported");
    }
  }

  private static InvalidArgumentException invalid() {
    return new InvalidArgumentException(
        "page_token", "is not a token of this call; start again without a token");
  }
}
