package io.factorytwin.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.ControlServiceGrpc.ControlServiceBlockingStub;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.DewPointInterlock;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.Interlock;
import io.factorytwin.control.v1.MinimumFlowInterlock;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.control.v1.Violation;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.ServiceProcess;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ListSetpointHistoryRequest;
import io.factorytwin.twin.v1.ListSetpointHistoryResponse;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Random proposals through two control-service replicas on one PostgreSQL database, both applying
 * to one twin-service process. jqwik generates the proposals (its engine cannot run a
 * {@code @QuarkusTest}, so this JUnit Jupiter test draws from jqwik's generators with a logged seed
 * and calls the real stubs). Values include NaN, infinities, huge and tiny numbers. Points include
 * unknown names and a sensor. Agents include a disabled one, one whose lease expires during the
 * run, a shadow and an advisory one. Calls run in parallel through both replicas, and some repeat
 * an earlier request_id.
 *
 * <p>After the run, the twin's own setpoint history is checked: every value it received lies inside
 * its guardrail's range, and every applied proposal kept the rate limit on the facility clock
 * against the change before it. Both replicas must verify the audit chain.
 *
 * <p>Run it with {@code tests/control/two-replicas.sh}, which builds the PostgreSQL jar of
 * control-service that the second replica runs. The name keeps it out of the default test run.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(
    value = TwinServiceProcess.class,
    initArgs = @ResourceArg(name = "rows", value = "4"))
class TwoReplicaProposalProperties {

  private static final int ROWS = 4;
  private static final String TWIN = TwinServiceProcess.TWIN;
  private static final String SUPPLY = ".liquid-temperature-sp.secondary-supply";
  private static final String PUMP = ".pump-speed-sp";

  /** Supply temperature limits in C, as in the guardrail below. */
  private static final double SUPPLY_MIN = 20;

  private static final double SUPPLY_MAX = 45;
  private static final double SUPPLY_RATE = 5;

  /** Pump speed limits in %, as in the guardrail below. */
  private static final double PUMP_MIN = 20;

  private static final double PUMP_MAX = 100;
  private static final double PUMP_RATE = 30;

  private static final Path SECOND_REPLICA_JAR =
      Path.of("target", "postgresql-app", "quarkus-run.jar");

  /** The agents and how each one's proposals must end. */
  private enum AgentKind {
    AUTONOMOUS,
    AUTONOMOUS_NARROW_SCOPE,
    ADVISORY,
    SHADOW,
    DISABLED,
    EXPIRING
  }

  private record Proposal(int agent, String point, String unit, double value, boolean replica) {}

  /** One completed call: the response, or the failure. */
  private record Outcome(
      Proposal proposal,
      ProposeSetpointRequest request,
      ProposeSetpointResponse response,
      StatusRuntimeException failure) {}

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "test.twin.port", defaultValue = "0")
  int twinPort;

  @ConfigProperty(name = "control.twin.token-file", defaultValue = "")
  String twinTokenFile;

  @ConfigProperty(name = "control.audit.checkpoint-key-file")
  String checkpointKeyFile;

  @Inject DataSource dataSource;

  @Test
  void randomProposals_throughTwoReplicas_keepEveryGuardrail() throws Exception {
    int total = Integer.getInteger("property.proposals", 100_000);
    long seed = Long.getLong("property.seed", System.nanoTime());
    System.out.printf("TWO-REPLICA PROPERTIES: %d proposals, seed %d%n", total, seed);

    Path secondWork = Files.createTempDirectory("control-second-replica");
    ManagedChannel first = GrpcClients.channel(port);
    ManagedChannel twinChannel = GrpcClients.channel(twinPort);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    List<String> telemetryPoints = new ArrayList<>();
    telemetryPoints.add("hall-1.dew-point-temperature");
    for (int row = 1; row <= ROWS; row++) {
      telemetryPoints.add(TwinServiceProcess.cdu(row) + ".liquid-flow.secondary");
    }
    double[] telemetry = new double[telemetryPoints.size()];
    telemetry[0] = 15.0;
    java.util.Arrays.fill(telemetry, 1, telemetry.length, 1000.0);
    try (ServiceProcess secondReplica = startSecondReplica(secondWork);
        TwinTelemetry.Stream stream =
            new TwinTelemetry.Stream(twinChannel, TWIN, telemetryPoints)) {
      ManagedChannel second = GrpcClients.channel(secondReplica.port());
      try {
        // The facility clock runs 1,000 times faster than the wall clock, so the rate limits let
        // a share of the random changes through and the apply path is exercised.
        AtomicLong facilityMs = new AtomicLong(ProposeSetpointTest.T0_MS);
        stream.tick(facilityMs.get(), telemetry);
        clock.scheduleAtFixedRate(
            () -> stream.tick(facilityMs.addAndGet(10_000), telemetry),
            10,
            10,
            TimeUnit.MILLISECONDS);
        prepare(first);
        List<Outcome> outcomes = run(first, second, total, seed);
        checkResponses(outcomes);
        checkTwinHistory(twinChannel, outcomes);
        for (ManagedChannel replica : List.of(first, second)) {
          VerifyAuditResponse audit =
              ControlServiceGrpc.newBlockingStub(replica)
                  .withCallCredentials(GrpcClients.bearer(TestKeys.token("auditor", "operator")))
                  .verifyAudit(VerifyAuditRequest.getDefaultInstance());
          System.out.printf(
              "audit verified by a replica: valid %s, %d entries, first bad %d %s%n",
              audit.getValid(),
              audit.getCheckedEntryCount(),
              audit.getFirstBadSequence(),
              audit.getFirstBadDescription());
          assertThat(audit.getValid()).as("audit chain valid, seed %d", seed).isTrue();
        }
      } finally {
        GrpcClients.close(second);
      }
    } finally {
      clock.shutdownNow();
      GrpcClients.close(first);
      GrpcClients.close(twinChannel);
    }
  }

  private ServiceProcess startSecondReplica(Path work) throws Exception {
    var config = ConfigProvider.getConfig();
    Map<String, String> environment = new HashMap<>();
    environment.put(
        "QUARKUS_DATASOURCE_JDBC_URL",
        config.getValue("quarkus.datasource.jdbc.url", String.class));
    environment.put(
        "QUARKUS_DATASOURCE_USERNAME",
        config.getValue("quarkus.datasource.username", String.class));
    environment.put(
        "QUARKUS_DATASOURCE_PASSWORD",
        config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    environment.put(
        "FACTORYTWIN_JWT_PUBLIC_KEY",
        Path.of("target", "test-jwt", "public.pem").toAbsolutePath().toString());
    environment.put("FACTORYTWIN_JWT_ISSUER", TestKeys.ISSUER);
    environment.put("CONTROL_TWIN_ADDRESS", "127.0.0.1:" + twinPort);
    environment.put("CONTROL_TWIN_TOKEN_FILE", twinTokenFile);
    environment.put("CONTROL_AUDIT_CHECKPOINT_DIR", work.resolve("checkpoints").toString());
    environment.put(
        "CONTROL_AUDIT_CHECKPOINT_KEY_FILE",
        Path.of(checkpointKeyFile).toAbsolutePath().toString());
    return ServiceProcess.start(
        "second control-service replica", SECOND_REPLICA_JAR, work, "384m", environment);
  }

  private static String agentId(AgentKind kind) {
    return "property-" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private void prepare(ManagedChannel channel) {
    ControlServiceBlockingStub operator =
        ControlServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("ops-lead", "operator")));
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("tcs-supply")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern("twins/*/points/*" + SUPPLY)
                    .setUnit("C")
                    .setMinValue(SUPPLY_MIN)
                    .setMaxValue(SUPPLY_MAX)
                    .setMaxRatePerMinute(SUPPLY_RATE)
                    .setApprovalMinValue(25)
                    .setApprovalMaxValue(40)
                    .setSafeDefaultValue(30)
                    .addInterlocks(
                        Interlock.newBuilder().setDewPoint(DewPointInterlock.newBuilder())))
            .build());
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("cdu-pump")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern("twins/*/points/*" + PUMP)
                    .setUnit("%")
                    .setMinValue(PUMP_MIN)
                    .setMaxValue(PUMP_MAX)
                    .setMaxRatePerMinute(PUMP_RATE)
                    .setSafeDefaultValue(70)
                    .addInterlocks(
                        Interlock.newBuilder()
                            .setMinimumFlow(MinimumFlowInterlock.newBuilder().setMinFlowLpm(600))))
            .build());
    for (AgentKind kind : AgentKind.values()) {
      Agent.Builder agent =
          Agent.newBuilder()
              .setOwner("property@example.com")
              .addScopes(
                  kind == AgentKind.AUTONOMOUS_NARROW_SCOPE
                      ? TWIN + "/points/" + TwinServiceProcess.cdu(1) + ".*"
                      : TWIN + "/points/*")
              .setMode(
                  switch (kind) {
                    case ADVISORY -> Agent.Mode.MODE_ADVISORY;
                    case SHADOW -> Agent.Mode.MODE_SHADOW;
                    default -> Agent.Mode.MODE_AUTONOMOUS;
                  })
              .setEnabled(kind != AgentKind.DISABLED)
              .setLeaseDuration(
                  Duration.newBuilder().setSeconds(kind == AgentKind.EXPIRING ? 2 : 300));
      operator.registerAgent(
          RegisterAgentRequest.newBuilder().setAgentId(agentId(kind)).setAgent(agent).build());
      if (kind != AgentKind.DISABLED) {
        ControlServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token(agentId(kind), "agent")))
            .heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/" + agentId(kind)).build());
      }
    }
  }

  /** The proposals' generator: jqwik arbitraries combined into one. */
  private static Arbitrary<Proposal> proposals() {
    List<String> setpoints = new ArrayList<>();
    for (int row = 1; row <= ROWS; row++) {
      setpoints.add(TWIN + "/points/" + TwinServiceProcess.cdu(row) + SUPPLY);
      setpoints.add(TWIN + "/points/" + TwinServiceProcess.cdu(row) + PUMP);
    }
    Arbitrary<String> points =
        Arbitraries.frequencyOf(
            Tuple.of(90, Arbitraries.of(setpoints)),
            Tuple.of(
                4,
                Arbitraries.strings()
                    .alpha()
                    .ofMinLength(1)
                    .ofMaxLength(12)
                    .map(id -> TWIN + "/points/unknown-" + id)),
            Tuple.of(
                3,
                Arbitraries.just(
                    TWIN + "/points/" + TwinServiceProcess.cdu(1) + ".liquid-flow.secondary")),
            Tuple.of(3, Arbitraries.just("twins/no-such-twin/points/x" + SUPPLY)));
    Arbitrary<Double> values =
        Arbitraries.frequencyOf(
            Tuple.of(
                8,
                Arbitraries.of(
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.MAX_VALUE,
                    -Double.MAX_VALUE,
                    Double.MIN_VALUE,
                    -Double.MIN_VALUE,
                    1e300,
                    -1e300,
                    1e-300,
                    0.0,
                    -0.0)),
            Tuple.of(50, Arbitraries.doubles().between(15, 50)),
            Tuple.of(30, Arbitraries.doubles().between(0, 110)),
            Tuple.of(12, Arbitraries.doubles()));
    Arbitrary<Integer> agents = Arbitraries.integers().between(0, AgentKind.values().length - 1);
    return Combinators.combine(agents, points, values, Arbitraries.of(true, false))
        .as(
            (agent, point, value, replica) ->
                new Proposal(agent, point, point.endsWith(PUMP) ? "%" : "C", value, replica));
  }

  /**
   * Sends the proposals, up to 32 at once, each through the replica the generator chose. One call
   * in fifty instead repeats an earlier request unchanged, as a client retrying after a lost
   * response.
   */
  private List<Outcome> run(ManagedChannel first, ManagedChannel second, int total, long seed)
      throws InterruptedException {
    // A jqwik session lets this JUnit Jupiter thread use jqwik's generators.
    JqwikSession.start(Long.toString(seed));
    try {
      return send(first, second, total, proposals().generator(1000), new Random(seed));
    } finally {
      JqwikSession.finish();
    }
  }

  private List<Outcome> send(
      ManagedChannel first,
      ManagedChannel second,
      int total,
      RandomGenerator<Proposal> generator,
      Random random)
      throws InterruptedException {
    Map<String, ControlServiceGrpc.ControlServiceStub> stubs = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    List<Outcome> replayable = new ArrayList<>();
    Semaphore inFlight = new Semaphore(32);
    for (int i = 0; i < total; i++) {
      Proposal proposal;
      ProposeSetpointRequest request;
      if (i % 50 == 49 && !replayable.isEmpty()) {
        Outcome earlier = replayable.get(random.nextInt(replayable.size()));
        proposal = earlier.proposal();
        request = earlier.request();
      } else {
        proposal = generator.next(random).value();
        request =
            ProposeSetpointRequest.newBuilder()
                .setPoint(proposal.point())
                .setValue(proposal.value())
                .setUnit(proposal.unit())
                .setRequestId(UUID.randomUUID().toString())
                .setRationale("property test")
                .build();
      }
      AgentKind kind = AgentKind.values()[proposal.agent()];
      ManagedChannel channel = proposal.replica() ? first : second;
      ControlServiceGrpc.ControlServiceStub stub =
          stubs.computeIfAbsent(
              kind + "/" + proposal.replica(),
              key ->
                  ControlServiceGrpc.newStub(channel)
                      .withCallCredentials(
                          GrpcClients.bearer(TestKeys.token(agentId(kind), "agent"))));
      inFlight.acquire();
      Proposal sent = proposal;
      stub.withDeadlineAfter(60, TimeUnit.SECONDS)
          .proposeSetpoint(
              request,
              new StreamObserver<>() {
                @Override
                public void onNext(ProposeSetpointResponse response) {
                  outcomes.add(new Outcome(sent, request, response, null));
                }

                @Override
                public void onError(Throwable failure) {
                  outcomes.add(
                      new Outcome(
                          sent,
                          request,
                          null,
                          failure instanceof StatusRuntimeException status
                              ? status
                              : Status.fromThrowable(failure).asRuntimeException()));
                  inFlight.release();
                }

                @Override
                public void onCompleted() {
                  inFlight.release();
                }
              });
      if (i % 1000 == 999) {
        // Keep the live agents' leases; the expiring agent's lease runs out after 2 s.
        heartbeatLiveAgents(first);
        synchronized (outcomes) {
          for (Outcome outcome : outcomes) {
            if (outcome.response() != null && replayable.size() < 10_000) {
              replayable.add(outcome);
            }
          }
        }
      }
    }
    inFlight.acquire(32);
    inFlight.release(32);
    return new ArrayList<>(outcomes);
  }

  private static void heartbeatLiveAgents(ManagedChannel channel) {
    for (AgentKind kind : AgentKind.values()) {
      if (kind == AgentKind.DISABLED || kind == AgentKind.EXPIRING) {
        continue;
      }
      ControlServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(GrpcClients.bearer(TestKeys.token(agentId(kind), "agent")))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/" + agentId(kind)).build());
    }
  }

  /** Checks each response against what its agent, point and value allow. */
  private static void checkResponses(List<Outcome> outcomes) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    Map<String, String> firstAction = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      Proposal proposal = outcome.proposal();
      AgentKind kind = AgentKind.values()[proposal.agent()];
      String label = kind + " " + proposal.point() + " = " + proposal.value();
      if (outcome.failure() != null) {
        StatusRuntimeException failure = outcome.failure();
        Status.Code code = failure.getStatus().getCode();
        String reason = StatusDetails.reason(failure);
        counts.merge(code + " " + reason, 1L, Long::sum);
        boolean precise =
            switch (code) {
              case INVALID_ARGUMENT -> !StatusDetails.fields(failure).isEmpty();
              case NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION ->
                  reason != null && !reason.isEmpty();
              default -> false;
            };
        if (!precise) {
          problems.add(label + ": unexpected or imprecise status " + failure.getStatus());
        }
        if (kind == AgentKind.DISABLED && code != Status.Code.PERMISSION_DENIED) {
          problems.add(label + ": a disabled agent got " + code);
        }
        continue;
      }
      ProposeSetpointResponse response = outcome.response();
      Action action = response.getAction();
      counts.merge(action.getOutcome().name(), 1L, Long::sum);
      String earlier = firstAction.putIfAbsent(outcome.request().getRequestId(), action.getName());
      if (earlier != null && !earlier.equals(action.getName())) {
        problems.add(label + ": a repeated request_id made a second action " + action.getName());
      }
      if (kind == AgentKind.DISABLED) {
        problems.add(label + ": a disabled agent got an action " + action.getOutcome());
      }
      if (!Double.isFinite(proposal.value())) {
        problems.add(label + ": a non-finite value was accepted as " + action.getOutcome());
      }
      switch (action.getOutcome()) {
        case OUTCOME_REJECTED -> {
          if (response.getViolationsCount() == 0) {
            problems.add(label + ": REJECTED without a violation");
          }
          for (Violation violation : response.getViolationsList()) {
            if (violation.getRule() == Violation.Rule.RULE_UNSPECIFIED
                || violation.getSubject().isEmpty()) {
              problems.add(label + ": a violation names no rule or subject: " + violation);
            }
          }
        }
        case OUTCOME_APPLIED -> {
          if (kind != AgentKind.AUTONOMOUS
              && kind != AgentKind.AUTONOMOUS_NARROW_SCOPE
              && kind != AgentKind.EXPIRING) {
            problems.add(label + ": applied for a " + kind + " agent");
          }
          if (!inRange(proposal.point(), action.getAppliedValue())) {
            problems.add(label + ": applied outside the guardrail range");
          }
        }
        case OUTCOME_RECORDED -> {
          if (kind != AgentKind.SHADOW) {
            problems.add(label + ": RECORDED for a " + kind + " agent");
          }
        }
        case OUTCOME_PENDING_APPROVAL -> {
          if (kind == AgentKind.SHADOW) {
            problems.add(label + ": a shadow agent's proposal waits for approval");
          }
        }
        default -> problems.add(label + ": outcome " + action.getOutcome());
      }
    }
    System.out.println("outcomes: " + counts);
    assertThat(problems).as("problems in %d responses", outcomes.size()).isEmpty();
    assertThat(counts.getOrDefault("OUTCOME_APPLIED", 0L))
        .as("applied proposals: the run must exercise the whole pipeline")
        .isGreaterThan(outcomes.size() / 200);
  }

  private static boolean inRange(String point, double value) {
    return point.endsWith(PUMP)
        ? value >= PUMP_MIN && value <= PUMP_MAX
        : value >= SUPPLY_MIN && value <= SUPPLY_MAX;
  }

  /**
   * Reads every change the twin applied and checks it against the guardrails: inside the range
   * always, and within the rate limit of the change before it when it came from a proposal. Reverts
   * to the safe default are exempt from the rate limit by design.
   */
  private void checkTwinHistory(ManagedChannel twinChannel, List<Outcome> outcomes)
      throws Exception {
    Set<String> appliedProposals = new HashSet<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT id FROM action WHERE outcome = 'APPLIED'")) {
      while (rows.next()) {
        appliedProposals.add(rows.getString(1));
      }
    }
    List<SetpointChange> changes = new ArrayList<>();
    String token = "";
    do {
      ListSetpointHistoryResponse page =
          TwinServiceGrpc.newBlockingStub(twinChannel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("viewer", "reader")))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .listSetpointHistory(
                  ListSetpointHistoryRequest.newBuilder()
                      .setParent(TWIN)
                      .setPageSize(1000)
                      .setPageToken(token)
                      .setOrderBy("facility_time")
                      .build());
      changes.addAll(page.getChangesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    changes.sort(
        java.util.Comparator.comparing(SetpointChange::getPoint)
            .thenComparingLong(SetpointChange::getVersion));

    List<String> problems = new ArrayList<>();
    int fromProposals = 0;
    SetpointChange previous = null;
    for (SetpointChange change : changes) {
      boolean samePoint = previous != null && previous.getPoint().equals(change.getPoint());
      if (!inRange(change.getPoint(), change.getValue())) {
        problems.add("outside its range: " + change);
      }
      if (appliedProposals.contains(change.getRequestId())) {
        fromProposals++;
        if (samePoint) {
          double minutes =
              (seconds(change.getFacilityTime()) - seconds(previous.getFacilityTime())) / 60.0;
          double rate = change.getPoint().endsWith(PUMP) ? PUMP_RATE : SUPPLY_RATE;
          double step = Math.abs(change.getValue() - change.getPreviousValue());
          if (step > rate * Math.max(0, minutes) + 1e-9) {
            problems.add(
                "faster than its rate: "
                    + step
                    + " after "
                    + minutes
                    + " min: "
                    + change.getPoint()
                    + " version "
                    + change.getVersion());
          }
        }
      }
      previous = change;
    }
    long appliedResponses =
        outcomes.stream()
            .filter(o -> o.response() != null)
            .filter(o -> o.response().getAction().getOutcome() == Action.Outcome.OUTCOME_APPLIED)
            .map(o -> o.response().getAction().getName())
            .distinct()
            .count();
    System.out.printf(
        "twin history: %d changes, %d from proposals, %d applied actions answered%n",
        changes.size(), fromProposals, appliedResponses);
    assertThat(problems).as("setpoint changes that broke a guardrail").isEmpty();
    assertThat((long) fromProposals)
        .as("each applied proposal reached the twin once")
        .isEqualTo(appliedProposals.size());
  }

  private static double seconds(com.google.protobuf.Timestamp timestamp) {
    return timestamp.getSeconds() + timestamp.getNanos() / 1e9;
  }
}
