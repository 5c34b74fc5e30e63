package io.factorytwin.control.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes many callers' rows and audit entries in one transaction under one lock of the audit chain
 * head. Every entry of the chain depends on the one before, so appends from all replicas take
 * turns. Committing one caller at a time would cap the service at one commit round trip per
 * proposal. Here one writer thread per replica drains the callers that queued while the previous
 * transaction committed, and writes them together.
 *
 * <p>Each caller's work runs in queue order and either all of it commits or none of it. When a
 * transaction fails, the writer rolls it back and runs each of its works alone, so one failing work
 * fails only its own caller. The head is locked before any work runs; holds and decisions also
 * append to the chain before they supersede actions, so no two transactions take the head and an
 * action's row lock in opposite orders.
 *
 * <p>The writer owns one connection outside the pool's transactions. It opens it at startup and
 * keeps it after a failed transaction, because each waiting caller keeps its pooled connection
 * until the writer commits. A writer that requested a pooled connection under load could wait until
 * the callers time out. It requests one again only after its connection broke, as in a database
 * outage.
 */
@ApplicationScoped
public class GroupCommit {

  /** Rows one caller writes on the writer's connection, with the audit batch of the transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T write(Connection connection, AuditTrail.Batch audit) throws SQLException;
  }

  private record Pending(Work<?> work, CompletableFuture<Object> result) {}

  private static final int MAX_BATCH = 256;

  private final AgroalDataSource dataSource;
  private final Duration timeout;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private Thread writer;
  private Connection connection;
  private volatile boolean stopped;

  GroupCommit(
      AgroalDataSource dataSource,
      @ConfigProperty(name = "control.audit.group-commit-timeout", defaultValue = "10s")
          Duration timeout) {
    this.dataSource = dataSource;
    this.timeout = timeout;
  }

  /**
   * Queues the work, waits until its transaction has committed and returns what the work returned.
   * A failure of the work or of the commit is rethrown; a commit that takes longer than {@code
   * control.audit.group-commit-timeout} raises an {@link AuditTrail.AuditStorageException}, and the
   * work may still commit after it.
   */
  @SuppressWarnings("unchecked")
  public <T> T run(Work<T> work) {
    start();
    CompletableFuture<Object> result = new CompletableFuture<>();
    queue.add(new Pending(work, result));
    try {
      return (T) result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof SQLException sql) {
        throw new AuditTrail.AuditStorageException(sql);
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AuditTrail.AuditStorageException(
          new SQLException("the group commit did not finish within " + timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditTrail.AuditStorageException(new SQLException("interrupted", e));
    }
  }

  /** Opens the writer's connection and starts the writer before the service takes calls. */
  void open(@Observes StartupEvent event) {
    synchronized (this) {
      if (connection == null && !stopped) {
        try {
          connection();
        } catch (SQLException e) {
          Log.warn(
              "opening the audit group commit connection at startup failed; the first commit opens it",
              e);
        }
      }
    }
    start();
  }

  private synchronized void start() {
    if (writer == null && !stopped) {
      writer = Thread.ofPlatform().name("audit-group-commit").daemon().start(this::loop);
    }
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>();
    while (!stopped) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        if (!commit(batch)) {
          for (Pending alone : batch) {
            commit(List.of(alone));
          }
        }
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        // commit completes every caller itself; this only keeps the writer alive.
        Log.error("the audit group commit failed unexpectedly", e);
      } finally {
        batch.clear();
      }
    }
    Pending left;
    while ((left = queue.poll()) != null) {
      left.result().completeExceptionally(new IllegalStateException("control-service stopped"));
    }
  }

  /**
   * Runs the works in one transaction and completes their callers. Returns false, completing no
   * caller, when a batch of several failed and each work should run alone.
   */
  private boolean commit(List<Pending> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    try {
      Connection db = connection();
      AuditTrail.Batch audit = AuditTrail.begin(db);
      for (Pending pending : batch) {
        results.add(pending.work().write(db, audit));
      }
      audit.finish();
      db.commit();
    } catch (SQLException | RuntimeException e) {
      rollback();
      if (batch.size() > 1) {
        return false;
      }
      batch.getFirst().result().completeExceptionally(e);
      return true;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(results.get(i));
    }
    return true;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    }
    return connection;
  }

  /**
   * Rolls back and keeps the connection while it still works. A broken one is closed and replaced
   * on the next batch.
   */
  private void rollback() {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
      if (connection.isValid(1)) {
        return;
      }
    } catch (SQLException e) {
      Log.debug("rollback of a failed group commit failed", e);
    }
    try {
      connection.close();
    } catch (SQLException e) {
      Log.debug("closing the group commit connection failed", e);
    }
    connection = null;
  }

  @PreDestroy
  void stop() {
    Thread running;
    synchronized (this) {
      stopped = true;
      running = writer;
    }
    if (running != null) {
      try {
        running.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        Log.debug("closing the group commit connection failed", e);
      }
    }
  }
}
