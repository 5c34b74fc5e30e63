package io.factorytwin.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.ErrorInfo;
import io.factorytwin.control.v1.BatchProposeSetpointsRequest;
import io.factorytwin.control.v1.BatchProposeSetpointsResponse;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.HeartbeatResponse;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.policy.PredictiveLiquidCooling;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The loop of {@code agent run}: reads the racks' power from twin-service, decides on the facility
 * clock and proposes both setpoints of every CDU to control-service, while a second thread renews
 * the agent's lease.
 *
 * <p>Each proposal's request_id is a name-based UUID of the agent, the point and the facility time
 * of the decision. The proposals of one decision go out in one BatchProposeSetpoints call. A call
 * that fails UNAVAILABLE or DEADLINE_EXCEEDED (no response came) is retried with the same
 * request_ids until a response arrives, so control-service stores each proposal once and the log
 * records the outcome the service stored. After a stop request those retries go on for at most
 * {@link #STOP_RETRY_LIMIT}.
 */
final class AgentRunner {

  /**
   * First and longest wait before a retry after UNAVAILABLE. An assumption: short enough that the
   * agent resumes within seconds of a restart, long enough not to flood a recovering service.
   */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /**
   * How long proposals still retry after SIGINT or SIGTERM. An assumption: it fits inside the 30 s
   * that Kubernetes waits by default before SIGKILL (terminationGracePeriodSeconds).
   */
  static final Duration STOP_RETRY_LIMIT = Duration.ofSeconds(20);

  /**
   * Proposed values are rounded to 0.01 in the point's unit, finer than the resolution of the
   * setpoint points (0.1 °C and 0.5 %, twin-service's point catalog), so rounding never moves a
   * setpoint by a step a point can show.
   */
  private static final double ROUNDING = 100;

  private final Connection connection;
  private final String agent;

  /** The CDUs and racks under control; replaced when the twin's active revision changes. */
  private AgentTopology topology;

  private final PredictiveLiquidCooling policy;
  private final String policySource;
  private final Duration interval;
  private final Timestamp until;
  private final Duration runFor;
  private final Duration poll;
  private final Duration revisionCheck;
  private final AgentLog log;
  private final CallCredentials credentials;

  /**
   * Facility time of each CDU's last decision, by CDU id, so that it survives a revision switch.
   */
  private final Map<String, Timestamp> lastDecisionOfCdu = new HashMap<>();

  private ManagedChannel twinChannel;
  private ManagedChannel controlChannel;
  private volatile boolean stopRequested;
  private volatile long stopRequestedNanos;
  private volatile Timestamp facilityClock;

  /** Failed heartbeats in a row and the wait before the next try; both guarded by this. */
  private int failedHeartbeats;

  private Duration heartbeatBackoff = FIRST_BACKOFF;

  AgentRunner(
      Connection connection,
      String agent,
      AgentTopology topology,
      PredictiveLiquidCooling policy,
      String policySource,
      Duration interval,
      Timestamp until,
      Duration runFor,
      Duration poll,
      Duration revisionCheck,
      AgentLog log) {
    this.connection = connection;
    this.agent = agent;
    this.topology = topology;
    this.policy = policy;
    this.policySource = policySource;
    this.interval = interval;
    this.until = until;
    this.runFor = runFor;
    this.poll = poll;
    this.revisionCheck = revisionCheck;
    this.log = log;
    this.credentials = connection.credentials();
  }

  /**
   * Asks the loop to stop after the two proposals of the CDU in progress. Any thread may call it.
   */
  void requestStop() {
    if (!stopRequested) {
      stopRequestedNanos = System.nanoTime();
      stopRequested = true;
    }
  }

  /**
   * Runs until the facility clock reaches the end time, or a stop is requested. Throws the first
   * heartbeat's failure when the agent cannot heartbeat at all (not registered, disabled).
   */
  void run() {
    ScheduledExecutorService heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "agent-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
    try {
      twinChannel = connection.open(Connection.Service.TWIN);
      controlChannel = connection.open(Connection.Service.CONTROL);
      log.notice(
          null,
          "start",
          agent
              + " runs "
              + policySource
              + " on "
              + topology.twin()
              + ": "
              + topology.cdus().size()
              + " CDUs, every "
              + interval.toSeconds()
              + " s of facility time");
      for (String warning : topology.warnings()) {
        log.notice(null, "warning", warning);
      }
      long firstDelay = firstHeartbeat();
      if (firstDelay >= 0) {
        heartbeats.schedule(() -> heartbeatLoop(heartbeats), firstDelay, TimeUnit.MILLISECONDS);
        loop();
      }
    } finally {
      heartbeats.shutdownNow();
      if (twinChannel != null) {
        Connection.close(twinChannel);
      }
      if (controlChannel != null) {
        Connection.close(controlChannel);
      }
      log.notice(facilityClock, "stop", log.summary());
    }
  }

  private void loop() {
    Timestamp end = until;
    Duration backoff = FIRST_BACKOFF;
    int attempt = 0;
    long nextRevisionCheck = System.nanoTime() + revisionCheck.toNanos();
    while (!stopRequested) {
      if (System.nanoTime() >= nextRevisionCheck) {
        followRevision();
        nextRevisionCheck = System.nanoTime() + revisionCheck.toNanos();
      }
      // With no CDU to control (a revision without one is active) the agent still follows the
      // facility clock through GetTwin, so that it stops at --until or --duration.
      boolean idle = topology.cdus().isEmpty();
      GetLatestValuesResponse values;
      try {
        attempt++;
        values = idle ? twinClock() : latestValues();
        attempt = 0;
        backoff = FIRST_BACKOFF;
      } catch (StatusRuntimeException e) {
        if (!retryable(e)) {
          throw e;
        }
        log.error(facilityClock, idle ? "GetTwin" : "GetLatestValues", "", "", attempt, true, e);
        sleep(backoff);
        backoff = longer(backoff);
        continue;
      }
      if (!values.hasFacilityTime()) {
        sleep(poll);
        continue;
      }
      Timestamp now = values.getFacilityTime();
      facilityClock = now;
      if (end == null && runFor != null) {
        end = Timestamps.add(now, Durations.fromNanos(runFor.toNanos()));
      }
      if (end != null && Timestamps.compare(now, end) >= 0) {
        return;
      }
      if (!idle) {
        decide(now, values);
      }
      sleep(poll);
    }
  }

  private GetLatestValuesResponse latestValues() {
    return twin()
        .getLatestValues(
            GetLatestValuesRequest.newBuilder()
                .setParent(topology.twin())
                .addAllPoints(topology.rackPowerPoints())
                .build());
  }

  /** Returns the twin's facility clock as a response without values, for an idle agent. */
  private GetLatestValuesResponse twinClock() {
    Twin state = twin().getTwin(GetTwinRequest.newBuilder().setName(topology.twin()).build());
    GetLatestValuesResponse.Builder clock = GetLatestValuesResponse.newBuilder();
    if (state.hasFacilityTime()) {
      clock.setFacilityTime(state.getFacilityTime());
    }
    return clock.build();
  }

  /**
   * Reads the twin's active revision and, when another one is active, the CDUs and racks of that
   * one. The policy's filters start afresh, because CDU indexes change meaning. Decision times are
   * kept by CDU id: a CDU in both revisions waits out its interval, so it never decides twice at
   * one facility time, which control-service would reject as a reused request_id. A failure that
   * may pass is logged, and the check comes again after --revision-check.
   */
  private void followRevision() {
    AgentTopology next;
    try {
      String active = AgentTopology.activeRevision(topology.twin(), this::twin);
      if (active.equals(topology.revision())) {
        return;
      }
      next = AgentTopology.read(topology.twin(), this::twin);
    } catch (StatusRuntimeException e) {
      if (!retryable(e)) {
        throw e;
      }
      log.error(facilityClock, "revision check", "", "", 1, true, e);
      return;
    }
    log.notice(
        facilityClock,
        "revision",
        topology.twin()
            + " switched from "
            + topology.revision()
            + " to "
            + next.revision()
            + ": "
            + next.cdus().size()
            + " CDUs");
    for (String warning : next.warnings()) {
      log.notice(facilityClock, "warning", warning);
    }
    if (next.cdus().isEmpty()) {
      log.notice(
          facilityClock,
          "warning",
          next.revision()
              + " has no CDU that supplies racks with a rated power; nothing to control");
    }
    topology = next;
    policy.reset();
  }

  /** Decides for every CDU whose last decision lies at least one interval back. */
  private void decide(Timestamp now, GetLatestValuesResponse values) {
    List<ProposeSetpointRequest> proposals = new ArrayList<>();
    Map<String, Double> power = new HashMap<>();
    for (PointValue value : values.getValuesList()) {
      if (value.hasValue()) {
        power.put(value.getPoint(), value.getValue());
      }
    }
    for (int index = 0; index < topology.cdus().size() && !stopRequested; index++) {
      AgentTopology.Cdu cdu = topology.cdus().get(index);
      Timestamp last = lastDecisionOfCdu.get(cdu.id());
      double dtSeconds = interval.toNanos() / 1e9;
      if (last != null) {
        Duration since = Duration.ofNanos(Durations.toNanos(Timestamps.between(last, now)));
        if (since.compareTo(interval) < 0) {
          continue;
        }
        dtSeconds = since.toNanos() / 1e9;
      }
      double powerKw = 0;
      double ratedKw = 0;
      int racksWithValue = 0;
      for (AgentTopology.Rack rack : cdu.racks()) {
        Double value = power.get(rack.powerPoint(topology.twin()));
        if (value != null) {
          powerKw += value;
          ratedKw += rack.ratedPowerKw();
          racksWithValue++;
        }
      }
      if (racksWithValue == 0) {
        log.notice(now, "skipped", cdu.id() + ": no rack-power value yet");
        continue;
      }
      lastDecisionOfCdu.put(cdu.id(), now);
      double load = powerKw / ratedKw;
      PredictiveLiquidCooling.Decision decision = policy.decide(index, dtSeconds, load);
      String rationale =
          String.format(
              Locale.ROOT,
              "%s: load %.3f of %.0f kW rated on %d of %d racks",
              PredictiveLiquidCooling.ALGORITHM,
              load,
              ratedKw,
              racksWithValue,
              cdu.racks().size());
      proposals.add(
          proposal(
              now,
              cdu.supplyPoint(topology.twin()),
              round(decision.supplySetpointC()),
              AgentTopology.SUPPLY_UNIT,
              rationale));
      proposals.add(
          proposal(
              now,
              cdu.pumpPoint(topology.twin()),
              round(100 * decision.pumpSpeedFraction()),
              AgentTopology.PUMP_UNIT,
              rationale));
    }
    if (!proposals.isEmpty()) {
      proposeAll(now, proposals);
    }
  }

  private ProposeSetpointRequest proposal(
      Timestamp facilityTime, String point, double value, String unit, String rationale) {
    return ProposeSetpointRequest.newBuilder()
        .setPoint(point)
        .setValue(value)
        .setUnit(unit)
        .setRequestId(requestId(agent, point, facilityTime))
        .setFacilityTime(facilityTime)
        .setRationale(rationale)
        .build();
  }

  /**
   * Proposes the setpoints of one decision in one BatchProposeSetpoints call, which control-service
   * decides as a whole: every proposal gets its action or none does. The call is retried until a
   * response comes, then each proposal is logged; see the class comment. A failure that is not
   * retried is logged once per proposal.
   */
  private void proposeAll(Timestamp facilityTime, List<ProposeSetpointRequest> proposals) {
    BatchProposeSetpointsRequest request =
        BatchProposeSetpointsRequest.newBuilder().addAllRequests(proposals).build();
    Duration backoff = FIRST_BACKOFF;
    boolean leaseRenewed = false;
    for (int attempt = 1; ; attempt++) {
      try {
        BatchProposeSetpointsResponse response = control().batchProposeSetpoints(request);
        for (int i = 0; i < proposals.size(); i++) {
          ProposeSetpointRequest proposal = proposals.get(i);
          log.proposal(
              facilityTime,
              proposal.getPoint(),
              proposal.getValue(),
              proposal.getUnit(),
              proposal.getRequestId(),
              attempt,
              response.getResponses(i));
        }
        return;
      } catch (StatusRuntimeException e) {
        boolean renewLease = !leaseRenewed && "LEASE_EXPIRED".equals(reason(e));
        // A refusal for an expired lease stores no action, so the same request_ids stay unused.
        boolean retry = renewLease || (retryable(e) && !stopLimitPassed());
        for (ProposeSetpointRequest proposal : proposals) {
          log.error(
              facilityTime,
              "BatchProposeSetpoints",
              proposal.getPoint(),
              proposal.getRequestId(),
              attempt,
              retry,
              e);
        }
        if (renewLease) {
          leaseRenewed = true;
          heartbeatOnce();
          continue;
        }
        if (!retry) {
          return;
        }
        sleep(backoff, false);
        backoff = longer(backoff);
      }
    }
  }

  /**
   * Sends the first heartbeat, retrying while control-service is unavailable. Returns the delay in
   * milliseconds to the next one, or -1 when a stop was requested before any succeeded.
   */
  private long firstHeartbeat() {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; !stopRequested; attempt++) {
      try {
        HeartbeatResponse response = heartbeat();
        log.notice(
            facilityClock,
            "heartbeat",
            agent
                + " mode "
                + ControlCommand.mode(response.getMode())
                + ", lease expires "
                + Timestamps.toString(response.getLeaseExpireTime()));
        return nextHeartbeatDelay(response);
      } catch (StatusRuntimeException e) {
        if (!retryable(e)) {
          throw e;
        }
        log.error(facilityClock, "Heartbeat", "", "", attempt, true, e);
        sleep(backoff);
        backoff = longer(backoff);
      }
    }
    return -1;
  }

  private void heartbeatLoop(ScheduledExecutorService heartbeats) {
    long delay = heartbeatOnce();
    if (!heartbeats.isShutdown()) {
      heartbeats.schedule(() -> heartbeatLoop(heartbeats), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Sends one heartbeat and returns the delay in milliseconds to the next one. */
  private synchronized long heartbeatOnce() {
    try {
      long delay = nextHeartbeatDelay(heartbeat());
      failedHeartbeats = 0;
      heartbeatBackoff = FIRST_BACKOFF;
      return delay;
    } catch (StatusRuntimeException e) {
      failedHeartbeats++;
      log.error(facilityClock, "Heartbeat", "", "", failedHeartbeats, true, e);
      long delay = heartbeatBackoff.toMillis();
      heartbeatBackoff = longer(heartbeatBackoff);
      return delay;
    }
  }

  private HeartbeatResponse heartbeat() {
    return control().heartbeat(HeartbeatRequest.newBuilder().setAgent(agent).build());
  }

  /** Returns a third of the lease left, as the contract advises, and at least 100 ms. */
  private static long nextHeartbeatDelay(HeartbeatResponse response) {
    long left = Timestamps.toMillis(response.getLeaseExpireTime()) - System.currentTimeMillis();
    return Math.max(100, left / 3);
  }

  /** Returns the request_id of a proposal: a name-based UUID of agent, point and facility time. */
  static String requestId(String agent, String point, Timestamp facilityTime) {
    String name = agent + "\n" + point + "\n" + Timestamps.toString(facilityTime);
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private TwinServiceGrpc.TwinServiceBlockingStub twin() {
    return TwinServiceGrpc.newBlockingStub(twinChannel)
        .withCallCredentials(credentials)
        .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS);
  }

  private ControlServiceGrpc.ControlServiceBlockingStub control() {
    return ControlServiceGrpc.newBlockingStub(controlChannel)
        .withCallCredentials(credentials)
        .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS);
  }

  /** UNAVAILABLE, or DEADLINE_EXCEEDED: the service may have acted, but no response came. */
  private static boolean retryable(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  private static String reason(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return "";
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return detail.unpack(ErrorInfo.class).getReason();
        } catch (InvalidProtocolBufferException ignored) {
          return "";
        }
      }
    }
    return "";
  }

  private boolean stopLimitPassed() {
    return stopRequested && System.nanoTime() - stopRequestedNanos > STOP_RETRY_LIMIT.toNanos();
  }

  private static Duration longer(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private static double round(double value) {
    return Math.round(value * ROUNDING) / ROUNDING;
  }

  private void sleep(Duration duration) {
    sleep(duration, true);
  }

  /**
   * Waits, checking every 50 ms for a stop request when {@code stoppable}, so that a stop ends a
   * long backoff early. An interrupt ends the wait and requests a stop.
   */
  private void sleep(Duration duration, boolean stoppable) {
    long end = System.nanoTime() + duration.toNanos();
    while ((!stoppable || !stopRequested) && System.nanoTime() < end) {
      try {
        Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        requestStop();
        return;
      }
    }
  }
}
