package io.factorytwin.simulation.jobs;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.v1.ListJobSeriesRequest;
import io.factorytwin.simulation.v1.ListJobSeriesResponse;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.SeriesAggregation;
import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ListJobSeries over the stored series of one job: filter on name and labels, cut to a time range,
 * down-sample into buckets, and page by points.
 *
 * <p>Buckets start at each series' first stored point, so a bucket of a one-hour series and one of
 * a one-second series line up when both series start at the same instant. A bucket contains the
 * stored points whose time lies in it, after the range cut; empty buckets are left out.
 *
 * <p>The page token carries the position (series index in the filtered list and point offset in its
 * down-sampled values) and a fingerprint of the other request fields, so a token used with a
 * changed request fails with INVALID_ARGUMENT instead of returning a wrong page.
 */
public final class SeriesQuery {

  /** Points per page when the request gives no page size; the contract's default. */
  static final int DEFAULT_PAGE_POINTS = 10_000;

  /** Largest page, in points; about 2.2 MB, under gRPC's 4 MiB default message limit. */
  static final int MAX_PAGE_POINTS = 100_000;

  private static final Pattern TERM =
      Pattern.compile("\\s*(name|labels\\.([a-z][a-z0-9_]*))\\s*=\\s*\"([^\"\\\\]*)\"\\s*");

  private final Map<String, String> labels;
  private final String name;
  private final long startNanos;
  private final long endNanos;
  private final long resolutionNanos;
  private final SeriesAggregation aggregation;
  private final int pageSize;
  private final int firstSeries;
  private final int firstPoint;
  private final String fingerprint;

  private SeriesQuery(ListJobSeriesRequest request) {
    if (request.getPageSize() < 0) {
      throw new InvalidArgumentException(
          "page_size", "must not be negative; got " + request.getPageSize());
    }
    pageSize =
        request.getPageSize() == 0
            ? DEFAULT_PAGE_POINTS
            : Math.min(MAX_PAGE_POINTS, request.getPageSize());
    labels = new LinkedHashMap<>();
    String nameTerm = null;
    String filter = request.getFilter().trim();
    if (!filter.isEmpty()) {
      for (String term : filter.split(" AND ", -1)) {
        Matcher matcher = TERM.matcher(term);
        if (!matcher.matches()) {
          throw new InvalidArgumentException(
              "filter",
              "must be terms such as name = \"pue\" or labels.policy = \"agent\" joined by"
                  + " AND; cannot read '"
                  + term.trim()
                  + "'");
        }
        if (matcher.group(2) == null) {
          if (nameTerm != null && !nameTerm.equals(matcher.group(3))) {
            throw new InvalidArgumentException("filter", "names two different series names");
          }
          nameTerm = matcher.group(3);
        } else {
          String earlier = labels.put(matcher.group(2), matcher.group(3));
          if (earlier != null && !earlier.equals(matcher.group(3))) {
            throw new InvalidArgumentException(
                "filter", "gives label " + matcher.group(2) + " two different values");
          }
        }
      }
    }
    name = nameTerm;
    startNanos = request.hasStartTime() ? nanos(request.getStartTime()) : Long.MIN_VALUE;
    endNanos = request.hasEndTime() ? nanos(request.getEndTime()) : Long.MAX_VALUE;
    if (request.hasStartTime() && request.hasEndTime() && endNanos <= startNanos) {
      throw new InvalidArgumentException("end_time", "must be later than start_time");
    }
    if (request.hasResolution()) {
      Duration resolution = request.getResolution();
      resolutionNanos = resolution.getSeconds() * 1_000_000_000L + resolution.getNanos();
      if (resolutionNanos <= 0) {
        throw new InvalidArgumentException("resolution", "must be positive");
      }
    } else {
      resolutionNanos = 0;
    }
    aggregation =
        request.getAggregation() == SeriesAggregation.SERIES_AGGREGATION_UNSPECIFIED
            ? SeriesAggregation.SERIES_AGGREGATION_MEAN
            : request.getAggregation();
    if (aggregation == SeriesAggregation.UNRECOGNIZED) {
      throw new InvalidArgumentException("aggregation", "is not a known SeriesAggregation");
    }
    fingerprint = fingerprint(request);
    if (request.getPageToken().isEmpty()) {
      firstSeries = 0;
      firstPoint = 0;
    } else {
      String[] parts = decodeToken(request.getPageToken());
      if (parts.length != 3 || !parts[0].equals(fingerprint)) {
        throw new InvalidArgumentException(
            "page_token", "does not belong to this request; repeat the first request's fields");
      }
      try {
        firstSeries = Integer.parseInt(parts[1]);
        firstPoint = Integer.parseInt(parts[2]);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("page_token", "is not a token this server issued");
      }
      if (firstSeries < 0 || firstPoint < 0) {
        throw new InvalidArgumentException("page_token", "is not a token this server issued");
      }
    }
  }

  /** Checks the request fields that do not need the stored series. */
  public static SeriesQuery parse(ListJobSeriesRequest request) {
    return new SeriesQuery(request);
  }

  /** Returns one page of the query over the job's stored series. */
  public ListJobSeriesResponse page(List<Series> stored) {
    List<Series> matching = new ArrayList<>();
    for (Series series : stored) {
      if (matches(series)) {
        matching.add(series);
      }
    }
    ListJobSeriesResponse.Builder response = ListJobSeriesResponse.newBuilder();
    int budget = pageSize;
    for (int s = firstSeries; s < matching.size(); s++) {
      Series sampled = sample(matching.get(s));
      int from = s == firstSeries ? firstPoint : 0;
      int count = sampled.getValuesCount();
      if (from > count) {
        throw new InvalidArgumentException("page_token", "points past the end of a series");
      }
      int take = Math.min(budget, count - from);
      Series.Builder slice =
          Series.newBuilder()
              .setName(sampled.getName())
              .putAllLabels(sampled.getLabelsMap())
              .setUnit(sampled.getUnit());
      slice.addAllTimestamps(sampled.getTimestampsList().subList(from, from + take));
      slice.addAllValues(sampled.getValuesList().subList(from, from + take));
      response.addSeries(slice);
      budget -= take;
      if (from + take < count) {
        response.setNextPageToken(token(s, from + take));
        return response.build();
      }
      if (budget == 0 && s + 1 < matching.size()) {
        response.setNextPageToken(token(s + 1, 0));
        return response.build();
      }
    }
    return response.build();
  }

  private boolean matches(Series series) {
    if (name != null && !name.equals(series.getName())) {
      return false;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!label.getValue().equals(series.getLabelsMap().get(label.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Cuts the series to the range and down-samples it to the requested resolution. */
  private Series sample(Series series) {
    int n = series.getValuesCount();
    Series.Builder out =
        Series.newBuilder()
            .setName(series.getName())
            .putAllLabels(series.getLabelsMap())
            .setUnit(series.getUnit());
    if (n == 0) {
      return out.build();
    }
    long first = nanos(series.getTimestamps(0));
    if (resolutionNanos > 0 && n > 1) {
      long stored = nanos(series.getTimestamps(1)) - first;
      if (stored <= 0 || resolutionNanos % stored != 0) {
        throw new InvalidArgumentException(
            "resolution",
            "must be a whole multiple of the stored resolution of "
                + series.getName()
                + ", "
                + stored / 1e9
                + " s");
      }
    }
    long bucket = Long.MIN_VALUE;
    double sum = 0;
    double extreme = 0;
    int count = 0;
    for (int k = 0; k < n; k++) {
      long at = nanos(series.getTimestamps(k));
      if (at < startNanos || at >= endNanos) {
        continue;
      }
      double value = series.getValues(k);
      long index = resolutionNanos > 0 ? Math.floorDiv(at - first, resolutionNanos) : k;
      if (index != bucket) {
        if (count > 0) {
          emit(out, series, first, bucket, sum, extreme, count);
        }
        bucket = index;
        sum = 0;
        count = 0;
        extreme = value;
      }
      sum += value;
      count++;
      extreme =
          aggregation == SeriesAggregation.SERIES_AGGREGATION_MIN
              ? Math.min(extreme, value)
              : Math.max(extreme, value);
    }
    if (count > 0) {
      emit(out, series, first, bucket, sum, extreme, count);
    }
    return out.build();
  }

  private void emit(
      Series.Builder out,
      Series series,
      long first,
      long bucket,
      double sum,
      double extreme,
      int count) {
    // Without down-sampling each bucket is one stored point, and the bucket is its index.
    out.addTimestamps(
        resolutionNanos > 0
            ? timestamp(first + bucket * resolutionNanos)
            : series.getTimestamps((int) bucket));
    out.addValues(aggregation == SeriesAggregation.SERIES_AGGREGATION_MEAN ? sum / count : extreme);
  }

  private String token(int series, int point) {
    String text = fingerprint + ":" + series + ":" + point;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("page_token", "is not a token this server issued");
    }
  }

  /** Hashes every request field but the page token, so a token fits only its own request. */
  private static String fingerprint(ListJobSeriesRequest request) {
    byte[] body = request.toBuilder().clearPageToken().clearPageSize().build().toByteArray();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static long nanos(Timestamp timestamp) {
    return timestamp.getSeconds() * 1_000_000_000L + timestamp.getNanos();
  }

  private static Timestamp timestamp(long nanos) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
        .setNanos((int) Math.floorMod(nanos, 1_000_000_000L))
        .build();
  }
}
