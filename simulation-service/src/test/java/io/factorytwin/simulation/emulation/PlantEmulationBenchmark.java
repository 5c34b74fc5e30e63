package io.factorytwin.simulation.emulation;

import static io.factorytwin.simulation.emulation.EmulationTwinProcess.TWIN;
import static io.factorytwin.simulation.emulation.EmulationTwinProcess.rack;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.PlantEmulationResult;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Measures how fast the reference hall (128 racks, 24 CDUs, 955 mapped points) can be emulated into
 * a real twin-service on PostgreSQL: for telemetry intervals of 10 s and 30 s, a ladder of speed-up
 * factors, each run for about {@value #WALL_SECONDS} s of wall time. It prints the achieved
 * speed-up (simulated time over the job's wall time from start to end, model loading included) and
 * the samples per second twin-service accepted. A factor keeps pace when it reaches 95 % of the
 * request.
 *
 * <p>Not part of the test suite (the name does not end in Test); run it with {@code ./mvnw test -pl
 * simulation-service -Dtest=PlantEmulationBenchmark}.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(EmulationTwinProcess.class)
class PlantEmulationBenchmark {

  static final long WALL_SECONDS = 15;

  private static final double[] SPEED_UPS = speedUps();

  /**
   * Returns the ladder, or the comma-separated factors of the system property {@code speed-ups}.
   */
  private static double[] speedUps() {
    String list = System.getProperty("speed-ups", "250,500,1000,2000,4000,10000");
    return java.util.Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void ladder() throws Exception {
    ManagedChannel channel = GrpcClients.channel(port);
    int twinPort = ConfigProvider.getConfig().getValue("test.emulation.twin-port", Integer.class);
    ManagedChannel twinChannel = GrpcClients.channel(twinPort);
    try {
      SimulationServiceGrpc.SimulationServiceBlockingStub operator =
          SimulationServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("planner", "operator")));
      TwinServiceGrpc.TwinServiceBlockingStub reader =
          TwinServiceGrpc.newBlockingStub(twinChannel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("bench", "reader")));
      System.out.println(
          "interval_s,requested,achieved,simulated_s,wall_s,accepted,rejected," + "accepted_per_s");
      for (long interval : new long[] {10, 30}) {
        for (double speedUp : SPEED_UPS) {
          long duration = (long) (speedUp * WALL_SECONDS) / interval * interval;
          Instant start = nextStart(reader);
          Job job =
              operator
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .submitJob(
                      SubmitJobRequest.newBuilder()
                          .setJob(
                              Job.newBuilder()
                                  .setPlantEmulation(
                                      PlantEmulationGrpcTest.spec(speedUp, interval * 1000)
                                          .setStartTime(timestamp(start))
                                          .setDuration(Duration.newBuilder().setSeconds(duration))))
                          .build());
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WALL_SECONDS * 20);
          while (job.getState() != Job.State.STATE_SUCCEEDED
              && job.getState() != Job.State.STATE_FAILED
              && job.getState() != Job.State.STATE_CANCELLED
              && System.nanoTime() < deadline) {
            Thread.sleep(200);
            job =
                operator
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getJob(GetJobRequest.newBuilder().setName(job.getName()).build());
          }
          assertThat(job.getState()).as(job.toString()).isEqualTo(Job.State.STATE_SUCCEEDED);
          PlantEmulationResult result =
              operator
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getJobResult(GetJobResultRequest.newBuilder().setJob(job.getName()).build())
                  .getPlantEmulation();
          double wall = seconds(job.getEndTime()) - seconds(job.getStartTime());
          double simulated = result.getKpis().getSimulatedDuration().getSeconds();
          System.out.printf(
              "%d,%.0f,%.0f,%.0f,%.1f,%d,%d,%.0f%n",
              interval,
              speedUp,
              simulated / wall,
              simulated,
              wall,
              result.getTelemetrySamplesAccepted(),
              result.getTelemetrySamplesRejected(),
              result.getTelemetrySamplesAccepted() / wall);
        }
      }
    } finally {
      GrpcClients.close(channel);
      GrpcClients.close(twinChannel);
    }
  }

  private static Instant nextStart(TwinServiceGrpc.TwinServiceBlockingStub reader) {
    GetLatestValuesResponse latest =
        reader
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getLatestValues(
                GetLatestValuesRequest.newBuilder()
                    .setParent(TWIN)
                    .addPoints(TWIN + "/points/" + rack(1, 1) + ".rack-power")
                    .build());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    if (!latest.hasFacilityTime()) {
      return now;
    }
    Instant after =
        Instant.ofEpochSecond(latest.getFacilityTime().getSeconds() + 60)
            .truncatedTo(ChronoUnit.SECONDS);
    return after.isAfter(now) ? after : now;
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).build();
  }

  private static double seconds(Timestamp at) {
    return at.getSeconds() + at.getNanos() / 1e9;
  }
}
