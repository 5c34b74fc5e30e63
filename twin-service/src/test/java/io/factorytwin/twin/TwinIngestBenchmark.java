package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.InsightStore;
import io.factorytwin.twin.service.LiveState;
import io.factorytwin.twin.service.LiveStates;
import io.factorytwin.twin.service.RollupWriter;
import io.factorytwin.twin.service.Twins;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Sustained ingest over one loopback gRPC stream, against PostgreSQL at its default durability,
 * with the insight rules active and roll-ups written. Not a unit test: the name keeps it out of the
 * default run. bench/twin-ingest.sh runs it: about 10^6 distinct sensor points, one sample per
 * point per second of facility time, for 125 facility seconds so that every point holds at least
 * 120 samples of raw history. Every 1,000th rack reports a power above its 132 kW rating, which
 * must open one insight per such rack. --quick runs a small campus for CI.
 *
 * <p>Limits (issue 5): at least 1,000,000 samples per second, heap at most 3 GB. Client and server
 * share this JVM and its 2 cores, so the client's cost of building batches counts against the
 * server's throughput.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TwinIngestBenchmark {

  /** Midnight UTC yesterday: a minute boundary within the first-sample window of the twin. */
  private static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;

  private static final int BATCH = 50_000;
  private static final int IN_FLIGHT = 4;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @Inject Twins twins;
  @Inject LiveStates states;
  @Inject RollupWriter rollups;
  @Inject InsightStore insights;

  @Test
  void sustainedIngest() throws Exception {
    int halls = Integer.getInteger("bench.halls", 318);
    int rounds = Integer.getInteger("bench.rounds", 125);
    double minRate = Double.parseDouble(System.getProperty("bench.min-rate", "1000000"));
    ManagedChannel channel = GrpcClients.channel(port);
    try {
      TwinClient twin = new TwinClient(channel);
      twin.apply(
          HallDesign.campus(halls, 8).stream("campus", "designs/campus/revisions/a", 5000, true),
          true);
      TwinGraph graph = twins.graph("campus", null);
      List<String> ids = new ArrayList<>();
      List<Integer> hot = new ArrayList<>();
      int racks = 0;
      for (int point = 0; point < graph.pointCount(); point++) {
        int node = graph.pointNode(point);
        if (node == 0 || graph.pointTemplate(point).isSetpoint()) {
          continue;
        }
        String id = graph.pointId(point);
        if (id.endsWith(".rack-power") && racks++ % 1000 == 0) {
          hot.add(ids.size());
        }
        ids.add(id);
      }
      int points = ids.size();
      double[] values = new double[points];
      java.util.Arrays.fill(values, 30.0);
      for (int handle : hot) {
        values[handle] = 140.0;
      }

      Semaphore window = new Semaphore(IN_FLIGHT);
      CompletableFuture<Void> done = new CompletableFuture<>();
      AtomicLong accepted = new AtomicLong();
      AtomicLong rejected = new AtomicLong();
      Object readyLock = new Object();
      ClientCallStreamObserver<IngestRequest>[] requests = new ClientCallStreamObserver[1];
      TwinServiceGrpc.newStub(channel)
          .withCallCredentials(GrpcClients.bearer(TestKeys.token("bench", "telemetry-writer")))
          .ingest(
              new ClientResponseObserver<IngestRequest, IngestResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<IngestRequest> stream) {
                  requests[0] = stream;
                  stream.setOnReadyHandler(
                      () -> {
                        synchronized (readyLock) {
                          readyLock.notifyAll();
                        }
                      });
                }

                @Override
                public void onNext(IngestResponse response) {
                  if (response.hasBatchAck()) {
                    accepted.addAndGet(response.getBatchAck().getAcceptedCount());
                    rejected.addAndGet(response.getBatchAck().getRejectedCount());
                  }
                  window.release();
                }

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(null);
                }
              });
      ClientCallStreamObserver<IngestRequest> stream = requests[0];
      stream.onNext(
          IngestRequest.newBuilder()
              .setHeader(IngestHeader.newBuilder().setTwin("twins/campus").setSource("bench"))
              .build());
      // 40,000 registrations of about 50 bytes each stay well under the 4 MiB message limit.
      for (int from = 0; from < points; from += 40_000) {
        RegisterPoints.Builder register = RegisterPoints.newBuilder().setSequence(from);
        for (int handle = from; handle < Math.min(points, from + 40_000); handle++) {
          register.addRegistrations(
              PointRegistration.newBuilder().setHandle(handle).setPointId(ids.get(handle)));
        }
        acquire(window, 1, done);
        stream.onNext(IngestRequest.newBuilder().setRegisterPoints(register).build());
      }
      acquire(window, IN_FLIGHT, done);
      window.release(IN_FLIGHT);

      long start = System.nanoTime();
      long sequence = 0;
      for (int round = 0; round < rounds; round++) {
        long time = T0 + round * 1000L;
        for (int from = 0; from < points; from += BATCH) {
          int to = Math.min(points, from + BATCH);
          TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(++sequence);
          for (int handle = from; handle < to; handle++) {
            batch.addHandles(handle);
            batch.addValues(values[handle] + (round % 10) * 0.1);
            batch.addFacilityTimeUnixMs(time);
          }
          IngestRequest message = IngestRequest.newBuilder().setBatch(batch).build();
          acquire(window, 1, done);
          synchronized (readyLock) {
            while (!stream.isReady()) {
              readyLock.wait(100);
            }
          }
          stream.onNext(message);
        }
      }
      acquire(window, IN_FLIGHT, done);
      double seconds = (System.nanoTime() - start) / 1e9;
      stream.onCompleted();
      done.get(60, TimeUnit.SECONDS);

      long samples = (long) points * rounds;
      double rate = samples / seconds;
      LiveState state = states.of("campus");
      long rollupStart = System.nanoTime();
      assertThat(rollups.drain(600_000)).as("roll-ups drained").isTrue();
      double rollupDrainS = (System.nanoTime() - rollupStart) / 1e9;
      insights.drain();
      long rollupRows;
      long insightRows;
      try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
          ResultSet rs =
              connection
                  .createStatement()
                  .executeQuery(
                      "SELECT (SELECT count(*) FROM point_rollup), (SELECT count(*) FROM insight)")) {
        rs.next();
        rollupRows = rs.getLong(1);
        insightRows = rs.getLong(2);
      }
      System.gc();
      long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      int historyOfFirst = state.historySize(graph.point(ids.get(0)));
      System.out.printf(
          Locale.ROOT,
          "%nTWIN INGEST BENCHMARK%n"
              + "  points %,d, rounds %d, samples %,d, batch %,d, %d batches in flight%n"
              + "  ingest: %.1f s, %,.0f samples/s (limit %,.0f)%n"
              + "  accepted %,d, rejected %,d%n"
              + "  roll-up rows %,d (written %,d since start, drained %.1f s after the last ack)%n"
              + "  insights %d (expected %d), history of a point %d samples%n"
              + "  heap after GC (client and server share the JVM): %d MB%n",
          points,
          rounds,
          samples,
          BATCH,
          IN_FLIGHT,
          seconds,
          rate,
          minRate,
          accepted.get(),
          rejected.get(),
          rollupRows,
          rollups.written(),
          rollupDrainS,
          insightRows,
          hot.size(),
          historyOfFirst,
          heapMb);
      assertThat(accepted.get()).isEqualTo(samples);
      assertThat(rate).as("samples per second").isGreaterThanOrEqualTo(minRate);
      // Every minute but the open last one is closed and written, for every point.
      long closedMinutes = Math.floorDiv(T0 + (rounds - 1) * 1000L, 60_000) - T0 / 60_000;
      assertThat(rollupRows).isGreaterThanOrEqualTo(closedMinutes * points);
      if (rounds >= 31) {
        assertThat(insightRows).isEqualTo(hot.size());
      }
      if (rounds >= 120) {
        assertThat(historyOfFirst).isGreaterThanOrEqualTo(120);
      }
    } finally {
      GrpcClients.close(channel);
    }
  }

  /** Waits for acknowledgements, failing at once when the stream failed. */
  private static void acquire(Semaphore window, int permits, CompletableFuture<Void> done)
      throws Exception {
    while (!window.tryAcquire(permits, 1, TimeUnit.SECONDS)) {
      if (done.isDone()) {
        done.get();
        throw new IllegalStateException("the stream ended while acknowledgements were due");
      }
    }
  }
}
