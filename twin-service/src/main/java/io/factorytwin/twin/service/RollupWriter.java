package io.factorytwin.twin.service;

import io.factorytwin.twin.service.LiveState.Rollup;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes closed one-minute roll-ups to the database on its own thread, in multi-row inserts. The
 * queue between ingest and this writer is bounded: when the database falls behind, ingest waits for
 * room, stops reading its stream, and gRPC flow control slows the producer, so memory stays
 * bounded. A failed write is retried until it succeeds; roll-ups are idempotent by their key.
 */
@ApplicationScoped
public class RollupWriter implements LiveState.RollupSink {

  private static final int ROWS_PER_STATEMENT = 500;

  private record Work(String twinId, LiveState state, List<Rollup> rollups) {}

  private final DataSource dataSource;
  private final BlockingQueue<Work> queue;
  private final AtomicLong written = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  RollupWriter(
      DataSource dataSource, @ConfigProperty(name = "twin.rollup.queue-batches") int queueBatches) {
    this.dataSource = dataSource;
    this.queue = new ArrayBlockingQueue<>(queueBatches);
  }

  void start(@Observes StartupEvent event) {
    running = true;
    thread = Thread.ofPlatform().name("twin-rollup-writer").daemon().start(this::run);
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Roll-up rows written since start. */
  public long written() {
    return written.get();
  }

  /** Roll-ups waiting to be written, in batches. */
  public int backlog() {
    return queue.size();
  }

  @Override
  public void accept(LiveState state, List<Rollup> rollups) throws InterruptedException {
    if (!rollups.isEmpty()) {
      queue.put(new Work(state.graph().twinId(), state, List.copyOf(rollups)));
    }
  }

  /** Waits until everything queued so far is written, or the timeout passes. */
  public boolean drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while ((!queue.isEmpty() || busy) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return queue.isEmpty() && !busy;
  }

  private volatile boolean busy;

  private void run() {
    while (running || !queue.isEmpty()) {
      Work work;
      try {
        work = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (work == null) {
        continue;
      }
      busy = true;
      try {
        while (true) {
          try {
            write(work);
            written.addAndGet(work.rollups().size());
            break;
          } catch (SQLException | RuntimeException e) {
            Log.warnf(
                "writing %d roll-ups failed, retrying in 1 s: %s",
                work.rollups().size(), e.toString());
            try {
              Thread.sleep(1000);
            } catch (InterruptedException interrupted) {
              return;
            }
          }
        }
      } finally {
        busy = false;
      }
    }
  }

  private void write(Work work) throws SQLException {
    List<Rollup> rollups = work.rollups();
    try (Connection connection = dataSource.getConnection()) {
      for (int from = 0; from < rollups.size(); from += ROWS_PER_STATEMENT) {
        int to = Math.min(rollups.size(), from + ROWS_PER_STATEMENT);
        StringBuilder sql =
            new StringBuilder(
                "INSERT INTO point_rollup (twin_id, point_id, minute_start, min_value, mean_value,"
                    + " max_value, sample_count) VALUES ");
        for (int i = from; i < to; i++) {
          sql.append(i == from ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)");
        }
        sql.append(" ON CONFLICT DO NOTHING");
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
          int p = 1;
          for (int i = from; i < to; i++) {
            Rollup rollup = rollups.get(i);
            insert.setString(p++, work.twinId());
            insert.setString(p++, work.state().graph().pointId(rollup.point()));
            insert.setTimestamp(p++, new Timestamp(rollup.minuteStartMillis()));
            insert.setDouble(p++, rollup.min());
            insert.setDouble(p++, rollup.mean());
            insert.setDouble(p++, rollup.max());
            insert.setInt(p++, rollup.count());
          }
          insert.executeUpdate();
        }
      }
    }
  }
}
