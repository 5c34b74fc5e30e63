package io.factorytwin.twin.service;

import io.factorytwin.twin.v1.HistoryBucket;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the one-minute roll-ups of a point back as buckets of a whole number of minutes. */
@ApplicationScoped
public class RollupHistory {

  private final DataSource dataSource;

  RollupHistory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Buckets of bucketMillis over [from, to), aligned to the Unix epoch: minimum of the minima,
   * maximum of the maxima, and the mean weighted by sample counts.
   */
  public List<HistoryBucket> buckets(
      String twinId, String pointId, long from, long to, long bucketMillis) {
    List<HistoryBucket> buckets = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT minute_start, min_value, mean_value, max_value, sample_count"
                    + " FROM point_rollup WHERE twin_id = ? AND point_id = ?"
                    + " AND minute_start >= ? AND minute_start < ? ORDER BY minute_start")) {
      select.setString(1, twinId);
      select.setString(2, pointId);
      select.setTimestamp(3, new Timestamp(Math.floorDiv(from, bucketMillis) * bucketMillis));
      select.setTimestamp(4, new Timestamp(to));
      try (ResultSet rs = select.executeQuery()) {
        long bucket = Long.MIN_VALUE;
        double min = 0;
        double max = 0;
        double sum = 0;
        long count = 0;
        while (rs.next()) {
          long minute = rs.getTimestamp(1).getTime();
          long start = Math.floorDiv(minute, bucketMillis) * bucketMillis;
          if (start != bucket) {
            if (count > 0) {
              buckets.add(bucket(bucket, min, sum / count, max, count));
            }
            bucket = start;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            sum = 0;
            count = 0;
          }
          int samples = rs.getInt(5);
          min = Math.min(min, rs.getDouble(2));
          max = Math.max(max, rs.getDouble(4));
          sum += rs.getDouble(3) * samples;
          count += samples;
        }
        if (count > 0) {
          buckets.add(bucket(bucket, min, sum / count, max, count));
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return buckets;
  }

  private static HistoryBucket bucket(long start, double min, double mean, double max, long count) {
    return HistoryBucket.newBuilder()
        .setStartFacilityTime(
            com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(start, 1000))
                .setNanos((int) Math.floorMod(start, 1000) * 1_000_000))
        .setMinValue(min)
        .setMeanValue(mean)
        .setMaxValue(max)
        .setCount(count)
        .build();
  }
}
