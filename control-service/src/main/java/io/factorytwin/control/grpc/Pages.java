package io.factorytwin.control.grpc;

import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

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
   * Parses the filter of a List call over its fields; a malformed one fails with INVALID_ARGUMENT
   * on {@code filter}.
   */
  static FilterSql filter(String text, Map<String, Filter.Field> fields) {
    return FilterSql.of(Filter.parse(text, fields));
  }

  /**
   * Returns the method key of a filtered List call's page tokens. It carries a digest of the
   * filter, so a token used with another filter fails instead of returning a page of the wrong
   * rows.
   */
  static String method(String method, String filter) {
    return filter.isBlank()
        ? method
        : method + "#" + Integer.toHexString(filter.strip().hashCode());
  }

  /**
   * Rejects an order_by other than the call's default order.
   *
   * <p>NOTE: only the default order is supported, so any other order fails with INVALID_ARGUMENT.
   */
  static void requireDefaultOrder(String orderBy, String defaultOrder) {
    if (!orderBy.isEmpty() && !orderBy.trim().equals(defaultOrder)) {
      throw new InvalidArgumentException(
          "order_by", "only the default order '" + defaultOrder + "' is supported");
    }
  }

  /** A position in a list ordered by create time and id, newest first; a null time is the start. */
  record TimeAndId(Instant time, String id) {}

  /** Reads a "time id" position; the empty position is the first page. */
  static TimeAndId timeAndId(String position) {
    if (position.isEmpty()) {
      return new TimeAndId(null, "");
    }
    int space = position.indexOf(' ');
    try {
      return new TimeAndId(
          Instant.parse(position.substring(0, space)), position.substring(space + 1));
    } catch (RuntimeException e) {
      throw invalid();
    }
  }

  private static InvalidArgumentException invalid() {
    return new InvalidArgumentException(
        "page_token", "is not a token of this call; start again without a token");
  }
}
