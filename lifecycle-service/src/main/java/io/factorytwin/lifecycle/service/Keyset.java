package io.factorytwin.lifecycle.service;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Keyset pagination: a page token holds the sort-key values of the last row of a page, and the next
 * page starts strictly after them. Rows inserted between two pages therefore neither repeat a row
 * nor push one out of reach, unlike an offset. The last key of every order is unique, so each row
 * has one place in the order.
 */
final class Keyset {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1000;

  /** Type of a sort key, which fixes how its value is written into a token. */
  enum KeyType {
    TEXT,
    INSTANT,
    INT
  }

  /**
   * One sort key.
   *
   * @param path HQL path, such as {@code p.displayName}
   * @param type how its value is read from a row and written into a token
   */
  record Key(String path, KeyType type) {}

  /**
   * A parsed order_by.
   *
   * @param text the order_by in its normalized form, such as {@code display_name desc}
   * @param keys the sort keys, the unique one last
   * @param descending whether every key sorts descending
   */
  record Order(String text, List<Key> keys, boolean descending) {

    /** Returns the HQL order by clause, without the keywords. */
    String hql() {
      String direction = descending ? " desc" : " asc";
      return String.join(", ", keys.stream().map(key -> key.path() + direction).toList());
    }
  }

  /** Version tag of the token layout, so a token of another layout is rejected. */
  private static final int TOKEN_LAYOUT = 1;

  private Keyset() {}

  /** Returns the page size for a requested page_size: 0 means the default; larger is capped. */
  static int pageSize(int requested) {
    if (requested < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative, got " + requested);
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  }

  /**
   * Parses order_by: one field name from the table, optionally followed by {@code asc} or {@code
   * desc}; empty means {@code name}.
   */
  static Order order(String orderBy, Map<String, List<Key>> orders) {
    String[] words = orderBy.trim().split("\\s+");
    String field = words[0].isEmpty() ? "name" : words[0];
    List<Key> keys = orders.get(field);
    boolean descending = words.length == 2 && words[1].equals("desc");
    boolean ascending = words.length == 1 || words[1].equals("asc");
    if (keys == null || words.length > 2 || !(ascending || descending)) {
      throw new InvalidArgumentException(
          "order_by",
          "expected one of "
              + orders.keySet().stream().sorted().toList()
              + ", optionally followed by ' desc'; got '"
              + orderBy
              + "'");
    }
    return new Order(descending ? field + " desc" : field, keys, descending);
  }

  /**
   * Returns the HQL condition that selects the rows after the given key values, adding its
   * parameters; empty when values is null (the first page).
   */
  static String after(Order order, List<Object> values, Map<String, Object> parameters) {
    if (values == null) {
      return "";
    }
    String comparison = order.descending() ? " < " : " > ";
    List<String> alternatives = new ArrayList<>();
    for (int i = 0; i < order.keys().size(); i++) {
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        terms.add(order.keys().get(j).path() + " = :k" + j);
      }
      terms.add(order.keys().get(i).path() + comparison + ":k" + i);
      alternatives.add("(" + String.join(" and ", terms) + ")");
    }
    for (int i = 0; i < values.size(); i++) {
      parameters.put("k" + i, values.get(i));
    }
    return "(" + String.join(" or ", alternatives) + ")";
  }

  /** Encodes the sort-key values of a page's last row as an opaque token. */
  static String token(Order order, String filter, List<Object> values) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(TOKEN_LAYOUT);
      out.writeUTF(order.text());
      out.writeLong(filterHash(filter));
      for (int i = 0; i < order.keys().size(); i++) {
        Object value = values.get(i);
        switch (order.keys().get(i).type()) {
          case TEXT -> out.writeUTF((String) value);
          case INSTANT -> out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) value));
          case INT -> out.writeInt((Integer) value);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
  }

  /**
   * Decodes a page token to the sort-key values to continue after; null for an empty token. Fails
   * with INVALID_ARGUMENT for a token that is malformed or was issued for another order_by or
   * filter.
   */
  static List<Object> decode(String pageToken, Order order, String filter) {
    if (pageToken.isEmpty()) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Base64.getUrlDecoder().decode(pageToken)))) {
      if (in.readInt() != TOKEN_LAYOUT
          || !in.readUTF().equals(order.text())
          || in.readLong() != filterHash(filter)) {
        throw invalidToken();
      }
      List<Object> values = new ArrayList<>();
      for (Key key : order.keys()) {
        values.add(
            switch (key.type()) {
              case TEXT -> in.readUTF();
              case INSTANT -> Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
              case INT -> in.readInt();
            });
      }
      if (in.available() > 0) {
        throw invalidToken();
      }
      return values;
    } catch (IOException | IllegalArgumentException e) {
      throw invalidToken();
    }
  }

  private static InvalidArgumentException invalidToken() {
    return new InvalidArgumentException(
        "page_token",
        "not a token of this List call; a token is valid only with the filter and order_by of"
            + " the call that returned it");
  }

  private static long filterHash(String filter) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(filter.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
