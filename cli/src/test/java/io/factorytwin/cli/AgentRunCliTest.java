package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.ListAuditEntriesRequest;
import io.factorytwin.control.v1.ListAuditEntriesResponse;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * factoryctl agent run against real services: lifecycle-service publishes the reference hall from
 * the examples folder to twin-service, and control-service checks the agent's proposals against
 * guardrails and writes them to the twin. twin-service runs on a fresh PostgreSQL database when its
 * PostgreSQL build exists ({@code ./mvnw -Ppostgresql package -DskipTests -pl twin-service
 * -Dquarkus.package.output-directory=postgresql-app}), and on its default H2 build otherwise. The
 * test ingests the racks' power itself, so it moves the facility clock. Each agent runs as its own
 * process, so that SIGTERM and the summary at exit are tested too. The tests share the services and
 * run in order, because each builds on the facility time and actions before it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentRunCliTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String HALL = "designs/reference-hall";
  private static final String TWIN = "twins/reference-hall";
  private static final String AGENT = "agents/lc-agent";

  /** The reference hall: 8 rows of 16 racks, 3 CDUs per row that each supply all 16. */
  private static final int ROWS = 8;

  private static final int RACKS_PER_ROW = 16;
  private static final int CDUS = 24;

  /** Rated power of a GB200 NVL72 rack in kW, as examples/catalog.yaml gives it. */
  private static final double RACK_RATED_KW = 132;

  private static final String CDU_SUPPLY =
      TWIN + "/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply";
  private static final String CDU_PUMP = TWIN + "/points/hall-1.row-01.cdu-1.pump-speed-sp";

  /** Supply guardrail in °C: the maximum is below the 55 °C that the bad parameters ask for. */
  private static final double SUPPLY_MAX_C = 45;

  /** The agent rounds proposed values to 0.01 in the point's unit. */
  private static final org.assertj.core.data.Offset<Double> ROUNDED =
      org.assertj.core.api.Assertions.within(0.005);

  private static final Duration AGENT_WAIT = Duration.ofSeconds(120);

  private static final Path TWIN_POSTGRESQL_JAR =
      Path.of("..", "twin-service", "target", "postgresql-app", "quarkus-run.jar");

  private static KeyPair keys;
  private static String database;
  private static ServiceJarProcess twin;
  private static ServiceJarProcess lifecycle;
  private static ServiceJarProcess control;
  private static Path work;
  private static String operator;
  private static String agentToken;
  private static Instant start;

  @BeforeAll
  static void startServicesAndPublishHall() throws Exception {
    keys = ServiceJarProcess.rsaKeyPair();
    work = Files.createTempDirectory("factoryctl-agent-test");
    twin = startTwin();
    Path publisher = work.resolve("publisher.jwt");
    Files.writeString(publisher, twin.token("lifecycle-service", "publisher"));
    Path setpointWriter = work.resolve("setpoint-writer.jwt");
    Files.writeString(setpointWriter, twin.token("control-service", "setpoint-writer"));
    lifecycle =
        ServiceJarProcess.start(
            "lifecycle-service",
            Map.of(
                "LIFECYCLE_TWIN_ADDRESS",
                twin.address,
                "LIFECYCLE_TWIN_TOKEN_FILE",
                publisher.toString()),
            keys);
    control =
        ServiceJarProcess.start(
            "control-service",
            Map.of(
                "CONTROL_TWIN_ADDRESS",
                twin.address,
                "CONTROL_TWIN_TOKEN_FILE",
                setpointWriter.toString()),
            keys);
    operator = twin.token("ops-lead", "operator");
    agentToken = twin.token("lc-agent", "agent");

    for (String document : new String[] {"catalog.yaml", "reference-hall.yaml"}) {
      cli(lifecycle, operator, "design", "import", EXAMPLES.resolve(document).toString());
    }
    cli(lifecycle, operator, "design", "submit", HALL + "/revisions/a");
    cli(lifecycle, operator, "design", "release", HALL + "/revisions/a", "--timeout=60");
    String published =
        cli(lifecycle, operator, "design", "publish", HALL + "/revisions/a", "--twin=" + TWIN);
    String publication =
        published
            .lines()
            .filter(line -> line.contains("/publications/"))
            .map(line -> line.trim().split("\\s+")[0])
            .findFirst()
            .orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!cli(lifecycle, operator, "design", "publish-status", publication)
        .contains("DELIVERED")) {
      assertThat(System.nanoTime()).as("publication delivered in time").isLessThan(deadline);
      Thread.sleep(500);
    }

    cli(
        control,
        operator,
        "control",
        "guardrails",
        "create",
        "tcs-supply",
        "--pattern=" + TWIN + "/points/*.liquid-temperature-sp.secondary-supply",
        "--unit=C",
        "--min=20",
        "--max=" + SUPPLY_MAX_C,
        "--rate=10",
        "--safe-default=30");
    cli(
        control,
        operator,
        "control",
        "guardrails",
        "create",
        "pump-speed",
        "--pattern=" + TWIN + "/points/*.pump-speed-sp",
        "--unit=%",
        "--min=30",
        "--max=100",
        "--rate=50",
        "--safe-default=70");
    // A lease of 300 s outlasts a restart of control-service in the last test, so that no
    // applied action is reverted on lease expiry while the agent cannot heartbeat.
    cli(
        control,
        operator,
        "control",
        "register",
        "lc-agent",
        "--owner=cooling-team@example.com",
        "--scope=" + TWIN + "/points/*",
        "--mode=autonomous",
        "--enabled",
        "--lease-seconds=300");
    start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  @AfterAll
  static void stopServices() throws Exception {
    for (ServiceJarProcess service : new ServiceJarProcess[] {control, lifecycle, twin}) {
      if (service != null) {
        service.close();
      }
    }
    if (database != null) {
      postgres("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    if (work != null) {
      try (java.util.stream.Stream<Path> files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void agentRun_proposesBothSetpointsPerCdu_untilSigterm() throws Exception {
    ingestLoad(at(0), 0.6);
    Path log = work.resolve("agent-1.jsonl");
    Process agent = startAgent(goodParameters(), log);

    List<Struct> first = awaitProposals(agent, log, 2 * CDUS);
    ingestLoad(at(60), 0.9);
    List<Struct> both = awaitProposals(agent, log, 4 * CDUS);
    String summary = stopAgent(agent, log);

    assertThat(summary).contains("proposals 96, APPLIED 96, REJECTED 0, PENDING 0");
    assertThat(summary).contains("errors 0");
    assertThat(first).allSatisfy(line -> assertThat(text(line, "outcome")).isEqualTo("APPLIED"));
    assertThat(value(both, at(0), CDU_SUPPLY)).isCloseTo(40 - 10 * 0.6, ROUNDED);
    assertThat(value(both, at(0), CDU_PUMP)).isCloseTo(100 * (0.5 + 0.4 * 0.6), ROUNDED);
    assertThat(value(both, at(60), CDU_SUPPLY)).isCloseTo(40 - 10 * 0.9, ROUNDED);
    assertThat(value(both, at(60), CDU_PUMP)).isCloseTo(100 * (0.5 + 0.4 * 0.9), ROUNDED);
    assertThat(latestSetpoint(CDU_SUPPLY)).isCloseTo(40 - 10 * 0.9, ROUNDED);

    Map<String, Action> actions = actionsByRequestId();
    for (Struct line : both) {
      Action action = actions.get(text(line, "request_id"));
      assertThat(action).as("action of " + text(line, "request_id")).isNotNull();
      assertThat(action.getName()).isEqualTo(text(line, "action"));
      assertThat(action.getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
      assertThat(action.getRequestedValue())
          .isEqualTo(line.getFieldsOrThrow("value").getNumberValue());
    }
    assertThat(actions).hasSize(4 * CDUS);
  }

  @Test
  @Order(2)
  void agentRun_sameFacilityTime_replaysWithoutNewActions() throws Exception {
    Path log = work.resolve("agent-2.jsonl");
    Process agent = startAgent(goodParameters(), log);

    List<Struct> lines = awaitProposals(agent, log, 2 * CDUS);
    String summary = stopAgent(agent, log);

    assertThat(summary).contains("proposals 48, APPLIED 48");
    assertThat(lines)
        .allSatisfy(
            line -> {
              assertThat(text(line, "facility_time")).isEqualTo(Timestamps.toString(at(60)));
              assertThat(line.getFieldsOrThrow("replayed").getBoolValue()).isTrue();
            });
    assertThat(actionsByRequestId()).hasSize(4 * CDUS);
  }

  @Test
  @Order(3)
  void agentRun_outOfGuardrailParameters_rejectedAndLogged() throws Exception {
    ingestLoad(at(120), 0.9);
    Path log = work.resolve("agent-3.jsonl");
    Map<String, Double> parameters = goodParameters();
    parameters.put("setpoint_c", 55.0);
    parameters.put("setpoint_load_gain_k", 0.0);
    Process agent = startAgent(parameters, log, "--until=" + Timestamps.toString(at(180)));

    List<Struct> lines = awaitProposals(agent, log, 2 * CDUS);
    ingestLoad(at(180), 0.9);
    assertThat(agent.waitFor(AGENT_WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("agent stops at --until")
        .isTrue();
    String summary = Files.readString(output(log));

    assertThat(agent.exitValue()).as(summary).isZero();
    assertThat(summary).contains("proposals 48, APPLIED 24, REJECTED 24");
    List<Struct> supply =
        lines.stream().filter(line -> text(line, "point").endsWith("secondary-supply")).toList();
    assertThat(supply).hasSize(CDUS);
    assertThat(supply)
        .allSatisfy(
            line -> {
              assertThat(text(line, "outcome")).isEqualTo("REJECTED");
              assertThat(line.getFieldsOrThrow("rejection_rules").getListValue().getValuesList())
                  .extracting(Value::getStringValue)
                  .contains("ABOVE_MAX");
            });
    assertThat(latestSetpoint(CDU_SUPPLY)).isCloseTo(40 - 10 * 0.9, ROUNDED);
  }

  @Test
  @Order(4)
  void agentRun_servicesRestart_retriesAndAuditAgrees() throws Exception {
    Path log = work.resolve("agent-4.jsonl");
    Process agent = startAgent(goodParameters(), log);
    awaitProposals(agent, log, 2 * CDUS);

    twin.stop();
    awaitLine(
        agent,
        log,
        line -> text(line, "event").equals("error") && text(line, "status").equals("UNAVAILABLE"));
    twin.restart();
    ingestLoad(at(240), 0.5);
    awaitProposals(agent, log, 4 * CDUS);

    control.stop();
    ingestLoad(at(300), 0.7);
    awaitLine(
        agent,
        log,
        line ->
            text(line, "event").equals("error")
                && text(line, "call").equals("BatchProposeSetpoints")
                && text(line, "status").equals("UNAVAILABLE"));
    control.restart();
    List<Struct> lines = awaitProposals(agent, log, 6 * CDUS);
    String summary = stopAgent(agent, log);

    assertThat(summary).contains("proposals 144, APPLIED 144, REJECTED 0");
    List<Struct> retried =
        lines.stream()
            .filter(line -> line.getFieldsOrThrow("attempts").getNumberValue() > 1)
            .toList();
    assertThat(retried).isNotEmpty();

    Map<String, Action> actions = actionsByRequestId();
    Set<String> audited = auditedActions();
    List<Struct> applied = new ArrayList<>();
    Set<String> logged = new HashSet<>();
    for (String file :
        List.of("agent-1.jsonl", "agent-2.jsonl", "agent-3.jsonl", "agent-4.jsonl")) {
      for (Struct line : proposals(work.resolve(file))) {
        logged.add(text(line, "request_id"));
        if (text(line, "outcome").equals("APPLIED")) {
          applied.add(line);
        }
      }
    }
    assertThat(applied).hasSizeGreaterThan(4 * CDUS);
    for (Struct line : applied) {
      Action action = actions.get(text(line, "request_id"));
      assertThat(action).as("action of " + text(line, "request_id")).isNotNull();
      assertThat(action.getName()).isEqualTo(text(line, "action"));
      assertThat(action.getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
      assertThat(audited).as("audit entry of " + action.getName()).contains(action.getName());
    }
    // Every stored action of the agent was logged, so no proposal was applied unseen.
    assertThat(logged).containsExactlyInAnyOrderElementsOf(actions.keySet());
    cli(control, operator, "control", "verify-audit");
  }

  /** Starts twin-service on a fresh PostgreSQL database if its PostgreSQL build exists. */
  @Test
  @Order(5)
  void guardrailDefaults_referenceHall_createsWhatSpecsGive() {
    String[] args = {
      "control",
      "guardrails",
      "defaults",
      "--twin=" + TWIN,
      "--create",
      "--twin-address=" + twin.address,
      "--control-address=" + control.address,
      "--token=" + operator
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    StringWriter again = new StringWriter();
    int repeated =
        FactoryCtl.execute(new PrintWriter(again, true), new PrintWriter(new StringWriter()), args);

    assertThat(code).as(err.toString()).isZero();
    // The catalog gives CRAHs no supply limits, so the ASHRAE envelope applies.
    assertThat(out.toString()).contains("air-temperature-sp-supply").contains("18").contains("27");
    assertThat(out.toString()).contains("created");
    // The catalog's CDU and rack parts give no lowest supply temperature, so no TCS guardrail.
    assertThat(err.toString())
        .contains("skipped liquid-temperature-sp.secondary-supply")
        .contains("supply_temperature_min_c");
    assertThat(repeated).isZero();
    assertThat(again.toString()).contains("exists, left unchanged").doesNotContain("created");
    assertThat(
            cli(control, operator, "control", "guardrails", "--filter=unit = \"C\"", "-o", "json"))
        .contains(TWIN + "/points/*.air-temperature-sp.supply");
  }

  private static ServiceJarProcess startTwin() throws Exception {
    if (!Files.isRegularFile(TWIN_POSTGRESQL_JAR)) {
      System.err.println(
          "AgentRunCliTest: twin-service runs on H2, because "
              + TWIN_POSTGRESQL_JAR
              + " is not built");
      return ServiceJarProcess.start("twin-service", Map.of(), keys);
    }
    String server = System.getenv().getOrDefault("FACTORYTWIN_TEST_PG", "127.0.0.1:5432");
    String user = System.getenv().getOrDefault("FACTORYTWIN_TEST_PG_USER", "postgres");
    database = "factoryctl_agent_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    postgres("CREATE DATABASE " + database);
    return ServiceJarProcess.start(
        "twin-service",
        TWIN_POSTGRESQL_JAR,
        Map.of(
            "QUARKUS_DATASOURCE_JDBC_URL",
            "jdbc:postgresql://" + server + "/" + database,
            "QUARKUS_DATASOURCE_USERNAME",
            user,
            "QUARKUS_DATASOURCE_PASSWORD",
            ""),
        keys);
  }

  private static void postgres(String sql) throws java.sql.SQLException {
    String server = System.getenv().getOrDefault("FACTORYTWIN_TEST_PG", "127.0.0.1:5432");
    String user = System.getenv().getOrDefault("FACTORYTWIN_TEST_PG_USER", "postgres");
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://" + server + "/postgres", user, "");
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** setpoint 40 °C − 10 K · load and pump 50 % + 40 % · load, with neither lead nor filter. */
  private static Map<String, Double> goodParameters() {
    Map<String, Double> values = new HashMap<>();
    values.put("setpoint_c", 40.0);
    values.put("setpoint_load_gain_k", 10.0);
    values.put("lead_time_s", 0.0);
    values.put("filter_time_s", 0.0);
    values.put("pump_speed_min", 0.5);
    values.put("pump_speed_load_gain", 0.4);
    return values;
  }

  private static Timestamp at(long seconds) {
    return Timestamps.fromMillis(start.plusSeconds(seconds).toEpochMilli());
  }

  /** Starts `factoryctl agent run` as its own process with the test's class path. */
  private static Process startAgent(Map<String, Double> parameters, Path log, String... extra)
      throws IOException {
    Struct.Builder values = Struct.newBuilder();
    parameters.forEach(
        (key, value) -> values.putFields(key, Value.newBuilder().setNumberValue(value).build()));
    Path file = Files.createTempFile(work, "parameters", ".json");
    Files.writeString(
        file,
        "{\"algorithm\": \"predictive-liquid-cooling\", \"values\": "
            + JsonFormat.printer().print(values)
            + "}");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FactoryCtl.class.getName(),
                "agent",
                "run",
                "--parameters=" + file,
                "--twin=" + TWIN,
                "--interval=60s",
                "--poll=200ms",
                "--timeout=5",
                "--log=" + log,
                "--twin-address=" + twin.address,
                "--control-address=" + control.address,
                "--token=" + agentToken));
    command.addAll(List.of(extra));
    // Standard output goes to a file, because Process.destroy closes the pipe to it.
    return new ProcessBuilder(command)
        .redirectOutput(output(log).toFile())
        .redirectError(work.resolve(log.getFileName() + ".err").toFile())
        .start();
  }

  /** Sends SIGTERM, waits for the exit and returns standard output: the summary line. */
  private static String stopAgent(Process agent, Path log) throws Exception {
    agent.destroy();
    assertThat(agent.waitFor(AGENT_WAIT.toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
    return Files.readString(output(log));
  }

  private static Path output(Path log) {
    return log.resolveSibling(log.getFileName() + ".out");
  }

  private static List<Struct> awaitProposals(Process agent, Path log, int count) throws Exception {
    long deadline = System.nanoTime() + AGENT_WAIT.toNanos();
    while (true) {
      List<Struct> lines = proposals(log);
      if (lines.size() >= count) {
        return lines;
      }
      assertThat(agent.isAlive()).as("agent running; see " + log + ".err").isTrue();
      assertThat(System.nanoTime())
          .as(count + " proposals in " + log + ", got " + lines.size())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static void awaitLine(
      Process agent, Path log, java.util.function.Predicate<Struct> condition) throws Exception {
    long deadline = System.nanoTime() + AGENT_WAIT.toNanos();
    while (lines(log).stream().noneMatch(condition)) {
      assertThat(agent.isAlive()).as("agent running; see " + log + ".err").isTrue();
      assertThat(System.nanoTime()).as("the expected line in " + log).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static List<Struct> proposals(Path log) throws IOException {
    return lines(log).stream().filter(line -> text(line, "event").equals("proposal")).toList();
  }

  private static List<Struct> lines(Path log) throws IOException {
    List<Struct> lines = new ArrayList<>();
    if (!Files.exists(log)) {
      return lines;
    }
    for (String text : Files.readAllLines(log)) {
      if (text.endsWith("}")) {
        Struct.Builder line = Struct.newBuilder();
        JsonFormat.parser().merge(text, line);
        lines.add(line.build());
      }
    }
    return lines;
  }

  private static String text(Struct line, String field) {
    Value value = line.getFieldsMap().get(field);
    return value == null ? "" : value.getStringValue();
  }

  private static double value(List<Struct> lines, Timestamp facilityTime, String point) {
    return lines.stream()
        .filter(line -> text(line, "facility_time").equals(Timestamps.toString(facilityTime)))
        .filter(line -> text(line, "point").equals(point))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no proposal for " + point + " at " + facilityTime))
        .getFieldsOrThrow("value")
        .getNumberValue();
  }

  /** Ingests every rack's power at one facility time, as the fraction of its rated power. */
  private static void ingestLoad(Timestamp facilityTime, double loadFraction) throws Exception {
    List<String> racks = new ArrayList<>();
    for (int row = 1; row <= ROWS; row++) {
      for (int rack = 1; rack <= RACKS_PER_ROW; rack++) {
        racks.add(String.format("hall-1.row-%02d.rack-%02d.rack-power", row, rack));
      }
    }
    RegisterPoints.Builder register = RegisterPoints.newBuilder().setSequence(1);
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(2);
    for (int handle = 0; handle < racks.size(); handle++) {
      register.addRegistrations(
          PointRegistration.newBuilder().setHandle(handle).setPointId(racks.get(handle)));
      batch
          .addHandles(handle)
          .addValues(loadFraction * RACK_RATED_KW)
          .addFacilityTimeUnixMs(Timestamps.toMillis(facilityTime));
    }
    ManagedChannel channel = channel(twin);
    try {
      BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
      StreamObserver<IngestRequest> requests =
          TwinServiceGrpc.newStub(channel)
              .withCallCredentials(bearer(twin.token("test-bms", "telemetry-writer")))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .ingest(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(IngestResponse response) {
                      responses.add(response);
                    }

                    @Override
                    public void onError(Throwable failure) {
                      responses.add(failure);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          IngestRequest.newBuilder().setHeader(IngestHeader.newBuilder().setTwin(TWIN)).build());
      requests.onNext(IngestRequest.newBuilder().setRegisterPoints(register).build());
      requests.onNext(IngestRequest.newBuilder().setBatch(batch).build());
      while (true) {
        Object response = responses.poll(30, TimeUnit.SECONDS);
        assertThat(response).as("ingest acknowledgement").isInstanceOf(IngestResponse.class);
        IngestResponse ack = (IngestResponse) response;
        if (ack.hasBatchAck()) {
          assertThat(ack.getBatchAck().getAcceptedCount())
              .as(ack.getBatchAck().toString())
              .isEqualTo(racks.size());
          break;
        }
      }
      requests.onCompleted();
    } finally {
      Connection.close(channel);
    }
  }

  private static double latestSetpoint(String point) {
    ManagedChannel channel = channel(twin);
    try {
      return TwinServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(bearer(operator))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getLatestValues(
              GetLatestValuesRequest.newBuilder().setParent(TWIN).addPoints(point).build())
          .getValues(0)
          .getValue();
    } finally {
      Connection.close(channel);
    }
  }

  /** Every action of the test agent by request_id; control-service lists without a filter. */
  private static Map<String, Action> actionsByRequestId() {
    Map<String, Action> actions = new HashMap<>();
    ManagedChannel channel = channel(control);
    try {
      String pageToken = "";
      do {
        ListActionsResponse page =
            ControlServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(operator))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listActions(
                    ListActionsRequest.newBuilder()
                        .setPageSize(1000)
                        .setPageToken(pageToken)
                        .build());
        for (Action action : page.getActionsList()) {
          if (action.getAgent().equals(AGENT)) {
            assertThat(actions.put(action.getRequestId(), action))
                .as("one action per request_id " + action.getRequestId())
                .isNull();
          }
        }
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
    } finally {
      Connection.close(channel);
    }
    return actions;
  }

  /** The names of the actions that audit entries of control-service name as their subject. */
  private static Set<String> auditedActions() {
    Set<String> subjects = new HashSet<>();
    ManagedChannel channel = channel(control);
    try {
      String pageToken = "";
      do {
        ListAuditEntriesResponse page =
            ControlServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(operator))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listAuditEntries(
                    ListAuditEntriesRequest.newBuilder()
                        .setPageSize(1000)
                        .setPageToken(pageToken)
                        .build());
        for (AuditEntry entry : page.getAuditEntriesList()) {
          subjects.add(entry.getSubject());
        }
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
    } finally {
      Connection.close(channel);
    }
    return subjects;
  }

  private static ManagedChannel channel(ServiceJarProcess service) {
    int colon = service.address.lastIndexOf(':');
    return NettyChannelBuilder.forAddress(
            service.address.substring(0, colon),
            Integer.parseInt(service.address.substring(colon + 1)))
        .usePlaintext()
        .build();
  }

  private static CallCredentials bearer(String token) {
    Metadata.Key<String> authorization =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(authorization, "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  /** Runs factoryctl in-process against one service, asserts exit 0 and returns the output. */
  private static String cli(ServiceJarProcess service, String token, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String option =
        service == lifecycle
            ? "--lifecycle-address="
            : service == control ? "--control-address=" : "--twin-address=";
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = option + service.address;
    all[args.length + 1] = "--token=" + token;
    int code = FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
    assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
    return out.toString();
  }
}
