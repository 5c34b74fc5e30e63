package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListAlternativesRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesResponse;
import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.BestAlternative;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.ComparisonResult;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.DataSetKind;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobFailure;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.ListJobsRequest;
import io.factorytwin.simulation.v1.ListJobsResponse;
import io.factorytwin.simulation.v1.Progress;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.WatchJobRequest;
import io.factorytwin.simulation.v1.WatchJobResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * factoryctl sim against an in-process stand-in of simulation-service and lifecycle-service on
 * loopback: the requests the commands build, what they print and their exit codes. The stand-in
 * returns fixed messages that each test sets; the job queue itself is tested in
 * simulation-service's JobsGrpcTest, and SimServiceCliTest runs these commands against the real
 * jar.
 */
class SimCommandTest {

  private static final String REVISION = "designs/hall/revisions/a";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Object> requests = new ArrayList<>();

  /** The messages WatchJob streams, in order, before it completes. */
  private final List<Job> watched = new ArrayList<>();

  /** The error SubmitJob returns when set; otherwise it returns the job. */
  private io.grpc.StatusRuntimeException submitError;

  /**
   * When set, a WatchJob call from sequence 0 sends the first job of {@link #watched} and then
   * nothing, as a stream whose connection died silently; a call after sequence 1 sends the rest.
   */
  private boolean silentAfterFirst;

  /** When set, every WatchJob call sends nothing and never ends. */
  private boolean silentAlways;

  private JobResult result = JobResult.getDefaultInstance();
  private final List<Alternative> alternatives = new ArrayList<>();
  private final List<String> workloadFiles = new ArrayList<>(List.of("A.csv", "B.csv"));

  private Server server;

  @BeforeEach
  void startServer() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new StandInSimulation())
            .addService(new StandInLifecycle())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdownNow();
  }

  private <T> T request(Class<T> type) {
    List<T> matching = requests.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("requests of type " + type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] all = new String[args.length + 4];
    all[0] = "sim";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--simulation-address=127.0.0.1:" + server.getPort();
    all[args.length + 2] = "--lifecycle-address=127.0.0.1:" + server.getPort();
    all[args.length + 3] = "--token=t";
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private static Job job(Job.State state, double fraction, String message) {
    return Job.newBuilder()
        .setName("jobs/j-1")
        .setKind(Job.Kind.KIND_TRANSIENT)
        .setState(state)
        .setEtag("7")
        .setProgress(Progress.newBuilder().setFraction(fraction).setMessage(message))
        .setCreateTime(Timestamps.fromSeconds(1_780_000_000))
        .build();
  }

  private final class StandInSimulation extends SimulationServiceGrpc.SimulationServiceImplBase {

    private <T> void reply(Object request, StreamObserver<T> response, T message) {
      requests.add(request);
      response.onNext(message);
      response.onCompleted();
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
      requests.add(request);
      if (submitError != null) {
        response.onError(submitError);
        return;
      }
      response.onNext(
          request.getJob().toBuilder()
              .setName("jobs/j-1")
              .setKind(
                  switch (request.getJob().getSpecCase()) {
                    case DESIGN_EVALUATION -> Job.Kind.KIND_DESIGN_EVALUATION;
                    case COMPARISON -> Job.Kind.KIND_COMPARISON;
                    case TRANSIENT -> Job.Kind.KIND_TRANSIENT;
                    default -> Job.Kind.KIND_UNSPECIFIED;
                  })
              .setState(Job.State.STATE_QUEUED)
              .setEtag("1")
              .build());
      response.onCompleted();
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
      reply(request, response, job(Job.State.STATE_RUNNING, 0.4, ""));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
      reply(
          request,
          response,
          ListJobsResponse.newBuilder()
              .addJobs(job(Job.State.STATE_RUNNING, 0.25, "simulated minute 3"))
              .setNextPageToken("tok-2")
              .build());
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
      requests.add(request);
      if (!request.getEtag().isEmpty() && !request.getEtag().equals("7")) {
        response.onError(
            StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder()
                    .setCode(Code.ABORTED_VALUE)
                    .setMessage("etag " + request.getEtag() + " is stale; the job is at 7")
                    .addDetails(
                        Any.pack(
                            ErrorInfo.newBuilder()
                                .setReason("ETAG_MISMATCH")
                                .setDomain("simulation.factorytwin.io")
                                .build()))
                    .build()));
        return;
      }
      response.onNext(
          job(Job.State.STATE_RUNNING, 0.4, "").toBuilder().setCancelRequested(true).build());
      response.onCompleted();
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<WatchJobResponse> response) {
      requests.add(request);
      if (silentAlways) {
        return;
      }
      if (silentAfterFirst) {
        if (request.getAfterSequence() == 0) {
          response.onNext(
              WatchJobResponse.newBuilder().setSequence(1).setJob(watched.get(0)).build());
          return;
        }
        for (int i = 1; i < watched.size(); i++) {
          response.onNext(
              WatchJobResponse.newBuilder().setSequence(i + 1).setJob(watched.get(i)).build());
        }
        response.onCompleted();
        return;
      }
      long sequence = 0;
      for (Job job : watched) {
        sequence++;
        if (sequence == 2) {
          response.onNext(
              WatchJobResponse.newBuilder()
                  .setSequence(1)
                  .setKeepalive(io.factorytwin.simulation.v1.Keepalive.getDefaultInstance())
                  .build());
        }
        response.onNext(WatchJobResponse.newBuilder().setSequence(sequence).setJob(job).build());
      }
      response.onCompleted();
    }

    @Override
    public void getJobResult(GetJobResultRequest request, StreamObserver<JobResult> response) {
      reply(request, response, result);
    }

    @Override
    public void listDataSets(
        ListDataSetsRequest request, StreamObserver<ListDataSetsResponse> response) {
      ListDataSetsResponse.Builder listed = ListDataSetsResponse.newBuilder();
      for (String file : workloadFiles) {
        listed.addDataSets(
            DataSet.newBuilder()
                .setName("workload/" + file)
                .setFileName(file)
                .setKind(DataSetKind.DATA_SET_KIND_WORKLOAD)
                .setSizeBytes(1234));
      }
      reply(request, response, listed.build());
    }
  }

  private final class StandInLifecycle extends LifecycleServiceGrpc.LifecycleServiceImplBase {
    @Override
    public void listAlternatives(
        ListAlternativesRequest request, StreamObserver<ListAlternativesResponse> response) {
      requests.add(request);
      response.onNext(
          ListAlternativesResponse.newBuilder().addAllAlternatives(alternatives).build());
      response.onCompleted();
    }

    @Override
    public void getDesignRevision(
        GetDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
      requests.add(request);
      response.onNext(
          DesignRevision.newBuilder()
              .setName(request.getName())
              .setSite(
                  Site.newBuilder()
                      .setDisplayName("Leesburg")
                      .setWeatherDataSet("USA_VA_Leesburg.Exec.epw")
                      .setPowerSource(PowerSource.newBuilder().setGridRegion("PJM")))
              .build());
      response.onCompleted();
    }
  }

  // ---- submit ----

  @Test
  void submitDesign_buildsSpecAndRequestId() {
    int code =
        run(
            "submit",
            "design-evaluation",
            "--design-revision=" + REVISION,
            "--weather=USA_TX_Dallas-Fort.Worth.epw",
            "--carbon=ERCO.csv",
            "--workload=Alibaba_CPU_Data_Hourly_1.csv",
            "--year=2022",
            "--solar-kw=0");

    assertThat(code).as(err.toString()).isZero();
    SubmitJobRequest submitted = request(SubmitJobRequest.class);
    DesignEvaluationSpec spec = submitted.getJob().getDesignEvaluation();
    assertThat(spec.getModel().getDesignRevision()).isEqualTo(REVISION);
    assertThat(spec.getWeatherDataSet()).isEqualTo("USA_TX_Dallas-Fort.Worth.epw");
    assertThat(spec.getCarbonDataSet()).isEqualTo("ERCO.csv");
    assertThat(spec.getYear()).isEqualTo(2022);
    // 0 is a value here (it removes the site's solar), so it must be sent as present.
    assertThat(spec.hasSolarCapacityKw()).isTrue();
    assertThat(UUID.fromString(submitted.getRequestId())).isNotNull();
    assertThat(err.toString()).contains("request id " + submitted.getRequestId());
    assertThat(out.toString()).containsPattern("jobs/j-1\\s+DESIGN_EVALUATION\\s+QUEUED");
  }

  @Test
  void submitTransient_modelNameAndPolicy() {
    String requestId = "5f0c6a4e-0a47-4b1c-9c8e-1f3b2d4a5e6f";
    int code =
        run(
            "submit",
            "TRANSIENT",
            "--model=twins/hall/revisions/3",
            "--workload=A.csv",
            "--start=2022-07-15T14:00:00Z",
            "--duration=15m",
            "--seed=18446744073709551615",
            "--policy-version=policies/lc/versions/2",
            "--request-id=" + requestId,
            "-o",
            "json");

    assertThat(code).as(err.toString()).isZero();
    SubmitJobRequest submitted = request(SubmitJobRequest.class);
    assertThat(submitted.getRequestId()).isEqualTo(requestId);
    assertThat(err.toString()).doesNotContain("request id");
    var run = submitted.getJob().getTransient();
    assertThat(run.getScenario().getModel().getTwinRevision()).isEqualTo("twins/hall/revisions/3");
    assertThat(Durations.toSeconds(run.getScenario().getDuration())).isEqualTo(900);
    assertThat(Timestamps.toString(run.getScenario().getStartTime()))
        .isEqualTo("2022-07-15T14:00:00Z");
    assertThat(Long.toUnsignedString(run.getSeed())).isEqualTo("18446744073709551615");
    assertThat(run.getPolicyVersion()).isEqualTo("policies/lc/versions/2");
    assertThat(out.toString())
        .contains("\"name\": \"jobs/j-1\"")
        .contains("\"state\": \"STATE_QUEUED\"");
  }

  @Test
  void submitTransient_withoutPolicy_runsTheBaseline() {
    int code =
        run(
            "submit",
            "transient",
            "--alternative=designs/hall/alternatives/tx",
            "--workload=A.csv",
            "--duration=PT1H",
            "--baseline-setpoint=32.5");

    assertThat(code).as(err.toString()).isZero();
    var run = request(SubmitJobRequest.class).getJob().getTransient();
    assertThat(run.hasBaseline()).isTrue();
    assertThat(run.getBaseline().getTcsSupplyTemperatureSetpointC()).isEqualTo(32.5);
    assertThat(Durations.toSeconds(run.getScenario().getDuration())).isEqualTo(3600);
  }

  @Test
  void submit_invalidArguments_areUsageErrors() {
    String[][] cases = {
      {"submit", "design-evaluation", "--workload=A.csv"},
      {
        "submit",
        "design-evaluation",
        "--design-revision=" + REVISION,
        "--twin-revision=twins/t/revisions/1",
        "--workload=A.csv"
      },
      {"submit", "transient", "--model=" + REVISION, "--workload=A.csv"},
      {"submit", "transient", "--model=" + REVISION, "--workload=A.csv", "--duration=-5m"},
      {
        "submit",
        "transient",
        "--model=" + REVISION,
        "--workload=A.csv",
        "--duration=1h",
        "--carbon=PJM.csv"
      },
      {"submit", "design-evaluation", "--model=" + REVISION, "--workload=A.csv", "--seed=1"},
      {
        "submit",
        "transient",
        "--model=" + REVISION,
        "--workload=A.csv",
        "--duration=1h",
        "--seed=-1"
      },
      {
        "submit",
        "transient",
        "--model=" + REVISION,
        "--workload=A.csv",
        "--duration=1h",
        "--baseline-setpoint=30",
        "--policy-version=policies/p/versions/1"
      },
      {
        "submit",
        "design-evaluation",
        "--model=" + REVISION,
        "--workload=A.csv",
        "--request-id=not-a-uuid"
      },
      {"submit", "design-evaluation", "--model=plants/x", "--workload=A.csv"},
      {"submit", "comparison", "--model=" + REVISION, "--workload=A.csv"},
      {"submit", "warp-drive", "--model=" + REVISION, "--workload=A.csv"},
      {"submit", "design-evaluation", "--model=" + REVISION, "--workload=A.csv", "--solar-kw=NaN"},
    };
    List<String> expected =
        List.of(
            "a model is required",
            "only one model may be given, not --design-revision and --twin-revision",
            "TRANSIENT needs --duration",
            "invalid --duration '-5m'",
            "--carbon applies only to DESIGN_EVALUATION jobs",
            "--seed applies only to TRANSIENT jobs",
            "invalid --seed '-1'",
            "give --baseline-setpoint or --policy-version, not both",
            "invalid --request-id 'not-a-uuid'",
            "invalid --model 'plants/x'",
            "use 'sim compare'",
            "unknown kind 'warp-drive'",
            "invalid --solar-kw 'NaN'");
    for (int i = 0; i < cases.length; i++) {
      int code = run(cases[i]);
      assertThat(code).as(String.join(" ", cases[i])).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", cases[i])).contains(expected.get(i));
    }
    assertThat(requests).isEmpty();
  }

  @Test
  void submit_kindWithoutRunner_namesKind() {
    submitError =
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE)
                .setMessage("this server has no runner for KIND_TRANSIENT jobs")
                .addDetails(
                    Any.pack(
                        ErrorInfo.newBuilder()
                            .setReason("NOT_IMPLEMENTED")
                            .setDomain("simulation.factorytwin.io")
                            .build()))
                .addDetails(
                    Any.pack(
                        PreconditionFailure.newBuilder()
                            .addViolations(
                                PreconditionFailure.Violation.newBuilder()
                                    .setType("NOT_IMPLEMENTED")
                                    .setSubject("KIND_TRANSIENT")
                                    .setDescription("no runner for this kind"))
                            .build()))
                .build());

    int code =
        run("submit", "transient", "--model=" + REVISION, "--workload=A.csv", "--duration=1h");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString())
        .contains("error: FAILED_PRECONDITION: this server has no runner for KIND_TRANSIENT jobs")
        .contains("reason: NOT_IMPLEMENTED (simulation.factorytwin.io)")
        .contains("NOT_IMPLEMENTED KIND_TRANSIENT: no runner for this kind");
  }

  // ---- jobs ----

  @Test
  void jobs_stateAndKind_becomeTheServiceFilter() {
    int code = run("jobs", "--state=running", "--kind=transient", "--page-size=1");

    assertThat(code).as(err.toString()).isZero();
    ListJobsRequest listed = request(ListJobsRequest.class);
    assertThat(listed.getFilter()).isEqualTo("state = RUNNING AND kind = TRANSIENT");
    assertThat(listed.getPageSize()).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern("JOB\\s+KIND\\s+STATE\\s+PROGRESS\\s+CREATED")
        .containsPattern("jobs/j-1\\s+TRANSIENT\\s+RUNNING\\s+25%\\s+2026-")
        .contains("next page: --page-token tok-2");
  }

  @Test
  void jobs_kindAlone_andUnknownState() {
    assertThat(run("jobs", "--kind=KIND_COMPARISON")).isZero();
    assertThat(request(ListJobsRequest.class).getFilter()).isEqualTo("kind = COMPARISON");

    requests.clear();
    assertThat(run("jobs", "--state=sleeping")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown state 'sleeping'");
    assertThat(requests).isEmpty();
  }

  // ---- watch ----

  @Test
  void watch_notTerminal_printsLines() {
    watched.add(job(Job.State.STATE_QUEUED, 0, ""));
    watched.add(job(Job.State.STATE_RUNNING, 0.25, "simulated minute 3"));
    // Same whole percent and message: no second line.
    watched.add(job(Job.State.STATE_RUNNING, 0.251, "simulated minute 3"));
    watched.add(job(Job.State.STATE_RUNNING, 0.5, "simulated minute 7"));
    watched.add(job(Job.State.STATE_SUCCEEDED, 0.5, ""));

    int code = run("watch", "j-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(WatchJobRequest.class).getName()).isEqualTo("jobs/j-1");
    assertThat(out.toString()).doesNotContain("\r").doesNotContain("[#");
    assertThat(out.toString().lines().toList())
        .containsExactly(
            "QUEUED      0%",
            "RUNNING    25%  simulated minute 3",
            "RUNNING    50%  simulated minute 7",
            "SUCCEEDED 100%",
            "SUCCEEDED jobs/j-1");
  }

  @Test
  void watch_bar_rewritesOneLine() {
    watched.add(job(Job.State.STATE_RUNNING, 0.5, "half"));
    watched.add(job(Job.State.STATE_SUCCEEDED, 1, ""));

    assertThat(run("watch", "jobs/j-1", "--progress=bar")).isZero();

    String printed = out.toString();
    assertThat(printed)
        .contains("\r[###############---------------]  50%  RUNNING  half")
        .contains("\r[##############################] 100%  SUCCEEDED")
        .endsWith(System.lineSeparator() + "SUCCEEDED jobs/j-1" + System.lineSeparator());
  }

  @Test
  void watch_auto_followsTerminalProperty() {
    watched.add(job(Job.State.STATE_SUCCEEDED, 1, ""));
    String before = System.getProperty("factoryctl.stdout-terminal");
    try {
      System.setProperty("factoryctl.stdout-terminal", "true");
      assertThat(run("watch", "j-1")).isZero();
      assertThat(out.toString()).contains("\r[#");

      System.setProperty("factoryctl.stdout-terminal", "false");
      assertThat(run("watch", "j-1")).isZero();
      assertThat(out.toString()).doesNotContain("\r").startsWith("SUCCEEDED 100%");
    } finally {
      if (before == null) {
        System.clearProperty("factoryctl.stdout-terminal");
      } else {
        System.setProperty("factoryctl.stdout-terminal", before);
      }
    }
  }

  @Test
  void watch_silentStream_reconnectsAfterLastSequence() {
    watched.add(job(Job.State.STATE_RUNNING, 0.5, ""));
    watched.add(job(Job.State.STATE_SUCCEEDED, 1, ""));
    silentAfterFirst = true;
    java.time.Duration before = SimCommand.silenceLimit;
    SimCommand.silenceLimit = java.time.Duration.ofMillis(300);
    try {
      assertThat(run("watch", "j-1")).as(err.toString()).isZero();
    } finally {
      SimCommand.silenceLimit = before;
    }

    List<Long> after =
        requests.stream()
            .filter(WatchJobRequest.class::isInstance)
            .map(request -> ((WatchJobRequest) request).getAfterSequence())
            .toList();
    assertThat(after).containsExactly(0L, 1L);
    assertThat(out.toString()).contains("RUNNING    50%").contains("SUCCEEDED jobs/j-1");
  }

  @Test
  void watch_alwaysSilent_givesUpAfterReconnects() {
    silentAlways = true;
    java.time.Duration before = SimCommand.silenceLimit;
    SimCommand.silenceLimit = java.time.Duration.ofMillis(100);
    try {
      assertThat(run("watch", "j-1")).isEqualTo(ErrorReporter.FAILED);
    } finally {
      SimCommand.silenceLimit = before;
    }
    assertThat(err.toString()).contains("no message on the watch of jobs/j-1");
    assertThat(requests.stream().filter(WatchJobRequest.class::isInstance).count())
        .isEqualTo(SimCommand.MAX_RECONNECTS + 1);
  }

  @Test
  void watch_failedJob_exitsCheckFailedWithReason() {
    watched.add(job(Job.State.STATE_RUNNING, 0.1, ""));
    watched.add(
        job(Job.State.STATE_FAILED, 0.1, "").toBuilder()
            .setFailure(
                JobFailure.newBuilder()
                    .setReason("ENERGY_BALANCE_FAILED")
                    .setMessage("energy balance error 0.004 is over 0.001")
                    .setSubject("twins/hall/nodes/cdu-1"))
            .build());

    int code = run("watch", "j-1");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(out.toString())
        .contains("FAILED jobs/j-1")
        .contains(
            "failure: ENERGY_BALANCE_FAILED: energy balance error 0.004 is over 0.001"
                + " (twins/hall/nodes/cdu-1)");
  }

  @Test
  void watch_cancelledJob_exitsJobCancelled() {
    watched.add(job(Job.State.STATE_RUNNING, 0.1, ""));
    watched.add(job(Job.State.STATE_CANCELLED, 0.1, ""));

    assertThat(run("watch", "j-1")).isEqualTo(ErrorReporter.JOB_CANCELLED);
    assertThat(out.toString()).contains("CANCELLED jobs/j-1");
  }

  @Test
  void watch_json_skipsKeepalives() {
    watched.add(job(Job.State.STATE_RUNNING, 0.1, ""));
    watched.add(job(Job.State.STATE_SUCCEEDED, 1, ""));

    assertThat(run("watch", "j-1", "-o", "json")).isZero();
    assertThat(out.toString()).contains("\"state\": \"STATE_SUCCEEDED\"");
    assertThat(out.toString()).doesNotContain("keepalive");
  }

  @Test
  void submitWatch_followsTheNewJob() {
    watched.add(job(Job.State.STATE_RUNNING, 0.5, ""));
    watched.add(job(Job.State.STATE_FAILED, 0.5, ""));

    int code =
        run(
            "submit",
            "transient",
            "--model=" + REVISION,
            "--workload=A.csv",
            "--duration=1h",
            "--watch",
            "--progress=lines");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(out.toString()).startsWith("submitted jobs/j-1").contains("FAILED jobs/j-1");
  }

  // ---- cancel ----

  @Test
  void cancel_withoutEtag_sendsNoEtag() {
    int code = run("cancel", "j-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(requests).noneMatch(GetJobRequest.class::isInstance);
    assertThat(request(CancelJobRequest.class).getName()).isEqualTo("jobs/j-1");
    assertThat(request(CancelJobRequest.class).getEtag()).isEmpty();
    assertThat(out.toString()).contains("RUNNING (cancel requested)");
  }

  @Test
  void cancel_staleEtag_isAbortedWithReason() {
    int code = run("cancel", "j-1", "--etag=3");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(requests).noneMatch(GetJobRequest.class::isInstance);
    assertThat(request(CancelJobRequest.class).getEtag()).isEqualTo("3");
    assertThat(err.toString())
        .contains("error: ABORTED: etag 3 is stale; the job is at 7")
        .contains("reason: ETAG_MISMATCH");
  }

  // ---- result ----

  private static DesignEvaluationResult row(String model, double pue, double carbonKg) {
    return DesignEvaluationResult.newBuilder()
        .setModel(model)
        .setKpis(AnnualKpis.newBuilder().setPue(pue).setCarbonKg(carbonKg).setWaterL(5_000_000))
        .build();
  }

  @Test
  void result_comparison_marksBest() {
    String va = "designs/hall/alternatives/va";
    String wa = "designs/hall/alternatives/wa";
    result =
        JobResult.newBuilder()
            .setJob("jobs/j-1")
            .setKind(Job.Kind.KIND_COMPARISON)
            .setComparison(
                ComparisonResult.newBuilder()
                    .addRows(row(va, 1.25, 9_000_000))
                    .addRows(row(wa, 1.18, 1_500_000))
                    .addBest(BestAlternative.newBuilder().setKpi("pue").setModel(wa))
                    .addBest(BestAlternative.newBuilder().setKpi("carbon_kg").setModel(wa))
                    .addBest(BestAlternative.newBuilder().setKpi("water_l").setModel(va)))
            .addWarnings("PJM.csv: 23 hours interpolated")
            .build();

    int code = run("result", "j-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(GetJobResultRequest.class).getJob()).isEqualTo("jobs/j-1");
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("ALTERNATIVE  PUE").contains("carbon t");
    assertThat(lines.get(1))
        .startsWith("va")
        .contains("1.250 ")
        .contains("9,000 ")
        .contains("5,000*");
    assertThat(lines.get(2)).startsWith("wa").contains("1.180*").contains("1,500*");
    assertThat(lines.get(2)).doesNotContain("5,000*");
    assertThat(out.toString()).contains("warning: PJM.csv: 23 hours interpolated");
  }

  @Test
  void result_json_printsTheWholeResult() {
    result =
        JobResult.newBuilder()
            .setJob("jobs/j-1")
            .setKind(Job.Kind.KIND_DESIGN_EVALUATION)
            .setDesignEvaluation(row("designs/hall/revisions/a", 1.21, 1))
            .build();

    assertThat(run("result", "j-1", "-o", "json")).isZero();
    assertThat(out.toString())
        .contains("\"pue\": 1.21")
        .contains("\"kind\": \"KIND_DESIGN_EVALUATION\"");

    assertThat(run("result", "j-1")).isZero();
    assertThat(out.toString())
        .contains("model designs/hall/revisions/a")
        .containsPattern("PUE\\s+1.210");
  }

  // ---- compare ----

  private static Alternative alternative(String id, String base, Site site, String gridRegion) {
    Alternative.Builder alternative =
        Alternative.newBuilder().setName("designs/hall/alternatives/" + id).setBaseRevision(base);
    if (site != null) {
      alternative.setSite(site);
    }
    if (gridRegion != null) {
      alternative.setPowerSource(PowerSource.newBuilder().setGridRegion(gridRegion));
    }
    return alternative.build();
  }

  @Test
  void compare_readsSitesAndWorkload() {
    Site dallas =
        Site.newBuilder()
            .setWeatherDataSet("USA_TX_Dallas-Fort.Worth.epw")
            .setPowerSource(PowerSource.newBuilder().setGridRegion("ERCO"))
            .build();
    alternatives.add(alternative("va", REVISION, null, null));
    alternatives.add(alternative("tx", REVISION, dallas, null));
    alternatives.add(alternative("va-miso", REVISION, null, "MISO"));
    alternatives.add(alternative("old", "designs/hall/revisions/b", dallas, null));
    workloadFiles.add(SimSubmitCommands.PREFERRED_WORKLOAD);
    watched.add(job(Job.State.STATE_SUCCEEDED, 1, ""));

    int code = run("compare", REVISION, "--progress=lines");

    assertThat(code).as(err.toString()).isZero();
    List<DesignEvaluationSpec> specs =
        request(SubmitJobRequest.class).getJob().getComparison().getAlternativesList();
    assertThat(specs)
        .extracting(spec -> spec.getModel().getAlternative())
        .containsExactly(
            "designs/hall/alternatives/va",
            "designs/hall/alternatives/tx",
            "designs/hall/alternatives/va-miso");
    assertThat(specs)
        .extracting(DesignEvaluationSpec::getWeatherDataSet)
        .containsExactly(
            "USA_VA_Leesburg.Exec.epw", "USA_TX_Dallas-Fort.Worth.epw", "USA_VA_Leesburg.Exec.epw");
    assertThat(specs)
        .extracting(DesignEvaluationSpec::getCarbonDataSet)
        .containsExactly("PJM.csv", "ERCO.csv", "MISO.csv");
    assertThat(specs)
        .extracting(DesignEvaluationSpec::getWorkloadDataSet)
        .containsOnly(SimSubmitCommands.PREFERRED_WORKLOAD);
    assertThat(request(ListAlternativesRequest.class).getParent()).isEqualTo("designs/hall");
    assertThat(request(ListDataSetsRequest.class).getKind())
        .isEqualTo(DataSetKind.DATA_SET_KIND_WORKLOAD);
    assertThat(err.toString()).contains("workload " + SimSubmitCommands.PREFERRED_WORKLOAD);
    assertThat(out.toString()).contains("SUCCEEDED jobs/j-1");
  }

  @Test
  void compare_workload_firstListedOrGiven() {
    alternatives.add(alternative("va", REVISION, null, null));
    alternatives.add(alternative("wa", REVISION, null, "BPAT"));

    assertThat(run("compare", REVISION, "--no-watch")).as(err.toString()).isZero();
    assertThat(
            request(SubmitJobRequest.class)
                .getJob()
                .getComparison()
                .getAlternatives(0)
                .getWorkloadDataSet())
        .isEqualTo("A.csv");
    assertThat(out.toString()).containsPattern("jobs/j-1\\s+COMPARISON\\s+QUEUED");

    requests.clear();
    assertThat(run("compare", REVISION, "--no-watch", "--workload=B.csv")).isZero();
    assertThat(requests).noneMatch(ListDataSetsRequest.class::isInstance);
  }

  @Test
  void compare_incompleteAlternatives_fail() {
    alternatives.add(alternative("va", REVISION, null, null));
    assertThat(run("compare", REVISION)).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString())
        .contains(REVISION + " has 1 alternative; a comparison needs 2 to 20");

    alternatives.add(
        alternative(
            "nowhere", REVISION, Site.newBuilder().setWeatherDataSet("x.epw").build(), null));
    assertThat(run("compare", REVISION, "--workload=A.csv")).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString())
        .contains("designs/hall/alternatives/nowhere: its site names no grid region");
    assertThat(requests).noneMatch(SubmitJobRequest.class::isInstance);

    assertThat(run("compare", "designs/hall")).isEqualTo(2);
    assertThat(err.toString()).contains("expected designs/{design}/revisions/{revision}");
  }

  // ---- data sets ----

  @Test
  void dataSets_kindAndTable() {
    assertThat(run("data-sets", "--kind=workload")).as(err.toString()).isZero();
    assertThat(request(ListDataSetsRequest.class).getKind())
        .isEqualTo(DataSetKind.DATA_SET_KIND_WORKLOAD);
    assertThat(out.toString()).containsPattern("A.csv\\s+workload\\s+1234\\s+-");

    assertThat(run("data-sets", "--kind=video")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown --kind 'video'");
  }

  @Test
  void serviceDown_isUnreachable() throws Exception {
    String closed = "--simulation-address=127.0.0.1:" + ServiceJarProcess.freePort();
    int code =
        FactoryCtl.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "sim",
            "jobs",
            closed,
            "--token=t");
    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
    assertThat(err.toString()).startsWith("error: UNAVAILABLE");
  }
}
