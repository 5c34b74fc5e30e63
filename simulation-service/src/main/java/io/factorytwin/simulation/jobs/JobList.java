package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;
import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request side of ListJobs: page size, filter, order and page token. Tokens are cursors on
 * (create_time, id) in the newest-first order, so jobs submitted while a client pages are neither
 * repeated nor skipped, and each token is bound to the filter it was issued for.
 *
 * <p>TODO: the filter accepts only {@code state} and {@code kind} terms joined by AND, and order_by
 * only {@code create_time desc}; other fields the contract names fail with INVALID_ARGUMENT.
 */
public final class JobList {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1000;
  private static final String DEFAULT_ORDER = "create_time desc";
  private static final String TOKEN_PREFIX = "ListJobs|1|";
  private static final Pattern TERM =
      Pattern.compile("\\s*(\\w+)\\s*=\\s*(\"?)([A-Za-z_]+)\\2\\s*");

  /**
   * A checked ListJobs request.
   *
   * @param states the states the filter admits; empty for all
   * @param kinds the kinds the filter admits; empty for all
   * @param afterCreateTime create time of the previous page's last job, or null on the first page
   * @param afterId id of the previous page's last job, or null on the first page
   */
  public record Request(
      int pageSize,
      Set<JobState> states,
      Set<Job.Kind> kinds,
      String filter,
      Instant afterCreateTime,
      String afterId) {}

  /** One page of jobs and the token of the next page, empty on the last page. */
  public record Page(List<JobRecord> jobs, String nextPageToken) {}

  private JobList() {}

  /** Checks page_size, order_by, filter and page_token, in that order. */
  public static Request parse(int pageSize, String pageToken, String filter, String orderBy) {
    if (pageSize < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative; got " + pageSize);
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);

    if (!orderBy.isBlank() && !orderBy.trim().replaceAll("\\s+", " ").equals(DEFAULT_ORDER)) {
      throw new InvalidArgumentException(
          "order_by", "only '" + DEFAULT_ORDER + "' is supported yet; got '" + orderBy + "'");
    }
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    Set<Job.Kind> kinds = EnumSet.noneOf(Job.Kind.class);
    parseFilter(filter, states, kinds);

    if (pageToken.isEmpty()) {
      return new Request(size, states, kinds, filter, null, null);
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }

    String[] parts =
        text.startsWith(TOKEN_PREFIX)
            ? text.substring(TOKEN_PREFIX.length()).split("\\|", -1)
            : new String[0];
    if (parts.length != 3 || !parts[0].equals(Long.toString(filterHash(filter)))) {
      throw invalidToken();
    }
    try {
      Instant after = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
      return new Request(size, states, kinds, filter, after, parts[2]);
    } catch (NumberFormatException e) {
      throw invalidToken();
    }
  }

  /** Returns the token that continues after the job, for a request with the filter. */
  static String token(String filter, JobRecord last) {
    String text =
        TOKEN_PREFIX
            + filterHash(filter)
            + "|"
            + ChronoUnit.MICROS.between(Instant.EPOCH, last.createTime())
            + "|"
            + last.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses terms such as {@code state = RUNNING AND kind = TRANSIENT}. Values may carry their enum
   * prefix ({@code STATE_RUNNING}) and may be quoted.
   */
  private static void parseFilter(String filter, Set<JobState> states, Set<Job.Kind> kinds) {
    if (filter.isBlank()) {
      return;
    }
    for (String term : filter.trim().split("\\s+AND\\s+")) {
      Matcher matcher = TERM.matcher(term);
      if (!matcher.matches()) {
        throw invalidFilter("cannot read '" + term.trim() + "'");
      }
      String field = matcher.group(1);
      String value = matcher.group(3).toUpperCase(Locale.ROOT);
      switch (field) {
        case "state" -> {
          if (!states.isEmpty()) {
            throw invalidFilter("state appears twice");
          }
          states.add(state(value));
        }
        case "kind" -> {
          if (!kinds.isEmpty()) {
            throw invalidFilter("kind appears twice");
          }
          kinds.add(kind(value));
        }
        default -> throw invalidFilter("filtering on '" + field + "' is not supported yet");
      }
    }
  }

  private static JobState state(String value) {
    String plain = value.startsWith("STATE_") ? value.substring("STATE_".length()) : value;
    try {
      return JobState.valueOf(plain);
    } catch (IllegalArgumentException e) {
      throw invalidFilter("unknown state '" + value + "'");
    }
  }

  private static Job.Kind kind(String value) {
    String full = value.startsWith("KIND_") ? value : "KIND_" + value;
    try {
      Job.Kind kind = Job.Kind.valueOf(full);
      if (kind == Job.Kind.KIND_UNSPECIFIED) {
        throw invalidFilter("unknown kind '" + value + "'");
      }
      return kind;
    } catch (IllegalArgumentException e) {
      throw invalidFilter("unknown kind '" + value + "'");
    }
  }

  private static InvalidArgumentException invalidFilter(String problem) {
    return new InvalidArgumentException(
        "filter",
        problem
            + "; expected terms 'state = VALUE' and 'kind = VALUE' joined by AND, such as"
            + " 'state = RUNNING AND kind = TRANSIENT'");
  }

  private static InvalidArgumentException invalidToken() {
    return new InvalidArgumentException(
        "page_token",
        "not a token of this ListJobs call; a token is valid only with the filter of the call"
            + " that returned it");
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
