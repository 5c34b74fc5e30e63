package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.AgentEvaluationSpec;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The demo through the job queue: AGENT_TRAINING then AGENT_EVALUATION on the 128-rack reference
 * hall (run with {@code -Dagent.test.racks=128}), Phoenix weather from 10 July 14:00 local standard
 * time, 1-hour episodes, budget 300. Prints the wall time of each job and the figures. The name
 * keeps it out of the default test run.
 */
@QuarkusTest
@TestProfile(AgentJobsTest.RealRunners.class)
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class AgentDemoBenchmark {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void trainAndEvaluateThroughTheQueue() throws InterruptedException {
    ManagedChannel channel = GrpcClients.channel(port);
    try {
      SimulationServiceGrpc.SimulationServiceBlockingStub stub =
          SimulationServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("planner", "operator")));
      TransientScenario scenario =
          TransientScenario.newBuilder()
              .setModel(
                  ModelSource.newBuilder().setDesignRevision("designs/reference-hall/revisions/a"))
              .setWeatherDataSet("USA_AZ_Phoenix-Sky.Harbor.epw")
              .setWorkloadDataSet("GoogleClusteData_CPU_Data_Hourly_1.csv")
              .setStartTime(
                  Timestamp.newBuilder()
                      .setSeconds(Instant.parse("2022-07-10T21:00:00Z").getEpochSecond()))
              .setDuration(Duration.newBuilder().setSeconds(3600))
              .build();
      long start = System.nanoTime();
      JobResult training =
          run(
              stub,
              Job.newBuilder()
                  .setAgentTraining(
                      AgentTrainingSpec.newBuilder()
                          .setScenario(scenario)
                          .addSeeds(1)
                          .addSeeds(2)
                          .addSeeds(3)
                          .setSearchBudget(Integer.getInteger("agent.demo.budget", 300))
                          .setPolicy("policies/demo"))
                  .build());
      double trainingWall = (System.nanoTime() - start) / 1e9;
      long evaluationStart = System.nanoTime();
      JobResult evaluation =
          run(
              stub,
              Job.newBuilder()
                  .setAgentEvaluation(
                      AgentEvaluationSpec.newBuilder()
                          .setPolicyVersion(training.getAgentTraining().getPolicyVersion())
                          .addSeeds(1001)
                          .addSeeds(1002)
                          .addSeeds(1003))
                  .build());
      double evaluationWall = (System.nanoTime() - evaluationStart) / 1e9;
      AgentEvaluationResult result = evaluation.getAgentEvaluation();
      System.out.println("AGENT DEMO");
      System.out.printf(
          "training %.1f s wall, evaluation %.1f s wall, %s%n",
          trainingWall, evaluationWall, training.getAgentTraining().getPolicyVersion());
      System.out.printf(
          "baseline setpoint %.2f C; saving %.1f %%; over-limit agent %.0f, baseline %.0f min;"
              + " tokens per watt %+.2f %%%n",
          result.getBaselineTcsSupplyTemperatureSetpointC(),
          100 * result.getCoolingEnergySavingFraction(),
          result.getAgent().getGpuOverLimitMinutes(),
          result.getBaseline().getGpuOverLimitMinutes(),
          100 * result.getTokensPerWattChangeFraction());
      System.out.println("saving by component: " + result.getCoolingEnergySaving());
      assertThat(result.getAgent().getGpuOverLimitMinutes()).isZero();
    } finally {
      GrpcClients.close(channel);
    }
  }

  private static JobResult run(SimulationServiceGrpc.SimulationServiceBlockingStub stub, Job job)
      throws InterruptedException {
    Job submitted =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .submitJob(SubmitJobRequest.newBuilder().setJob(job).build());
    Job current = submitted;
    while (current.getState() != Job.State.STATE_SUCCEEDED
        && current.getState() != Job.State.STATE_FAILED
        && current.getState() != Job.State.STATE_CANCELLED) {
      Thread.sleep(200);
      current =
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .getJob(GetJobRequest.newBuilder().setName(submitted.getName()).build());
    }
    assertThat(current.getState())
        .as(current.getFailure().toString())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getJobResult(GetJobResultRequest.newBuilder().setJob(submitted.getName()).build());
  }
}
