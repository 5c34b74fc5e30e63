package io.factorytwin.twin.grpc;

import io.factorytwin.support.error.ErrorTable;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.InsightStore;
import io.factorytwin.twin.service.LiveState;
import io.factorytwin.twin.service.LiveStates;
import io.factorytwin.twin.service.RollupWriter;
import io.factorytwin.twin.service.TwinLease;
import io.factorytwin.twin.v1.BatchAck;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRejectReason;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.RegisterPointsAck;
import io.factorytwin.twin.v1.RejectCount;
import io.factorytwin.twin.v1.RejectedRegistration;
import io.factorytwin.twin.v1.RejectedSample;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * One Ingest stream. Inbound flow control is manual: the stream asks gRPC for the next message only
 * after the previous one is handled, including any wait for room in the roll-up queue. A producer
 * faster than the twin therefore fills its HTTP/2 window and waits, instead of filling the server's
 * memory. Messages are handled on the ingest executor, one at a time per stream.
 */
final class IngestStream implements StreamObserver<IngestRequest> {

  private static final int MAX_REGISTRATIONS = 100_000;
  private static final int MAX_BATCH = 100_000;
  private static final int MAX_REPORTED_SAMPLES = 10;

  /** Handles below this bound live in an array; larger ones in a map. */
  private static final int DIRECT_HANDLES = 1 << 22;

  private final ServerCallStreamObserver<IngestResponse> response;
  private final LiveStates states;
  private final RollupWriter rollups;
  private final InsightStore insights;
  private final TwinLease lease;
  private final ExecutorService executor;
  private final String errorDomain;

  private String twinId;
  private TwinGraph graph;
  private int[] direct = new int[0];
  private final Map<Integer, Integer> sparse = new HashMap<>();
  private volatile boolean closed;
  private volatile long lastSent = System.nanoTime();

  /** Nothing sent for this long: the server sends a keepalive, as the contract says. */
  private static final long KEEPALIVE_NANOS = 10_000_000_000L;

  IngestStream(
      StreamObserver<IngestResponse> response,
      LiveStates states,
      RollupWriter rollups,
      InsightStore insights,
      TwinLease lease,
      ExecutorService executor,
      String errorDomain) {
    this.response = (ServerCallStreamObserver<IngestResponse>) response;
    this.states = states;
    this.rollups = rollups;
    this.insights = insights;
    this.lease = lease;
    this.executor = executor;
    this.errorDomain = errorDomain;
    this.response.disableAutoRequest();
    this.response.request(1);
  }

  @Override
  public void onNext(IngestRequest message) {
    if (closed) {
      return;
    }
    executor.execute(
        () -> {
          try {
            handle(message);
            if (!closed) {
              response.request(1);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
          } catch (RuntimeException e) {
            fail(e);
          }
        });
  }

  @Override
  public void onError(Throwable failure) {
    closed = true;
    Log.debugf("Ingest stream for %s ended by the client: %s", twinId, failure.toString());
  }

  @Override
  public void onCompleted() {
    executor.execute(this::complete);
  }

  private synchronized void complete() {
    if (!closed) {
      closed = true;
      response.onCompleted();
    }
  }

  private void handle(IngestRequest message) throws InterruptedException {
    // Ownership can move while the stream is open: the producer reconnects and reaches the owner.
    lease.requireOwner();
    switch (message.getMessageCase()) {
      case HEADER -> header(message.getHeader());
      case REGISTER_POINTS -> register(message.getRegisterPoints());
      case BATCH -> batch(message.getBatch());
      case MESSAGE_NOT_SET ->
          throw new InvalidArgumentException(
              "message", "required: a header, registration or batch");
    }
  }

  private void header(IngestHeader header) {
    if (twinId != null) {
      throw new InvalidArgumentException("header", "send the header once, as the first message");
    }
    if (header.getSource().length() > 63) {
      throw new InvalidArgumentException("header.source", "at most 63 characters");
    }
    String id = Names.twin(header.getTwin(), "header.twin");
    graph = states.of(id).graph();
    twinId = id;
  }

  private void requireHeader() {
    if (twinId == null) {
      throw new InvalidArgumentException("header", "the first message must be a header");
    }
  }

  private void register(RegisterPoints registration) {
    requireHeader();
    int count = registration.getRegistrationsCount();
    if (count == 0 || count > MAX_REGISTRATIONS) {
      throw new InvalidArgumentException(
          "register_points.registrations", "required: 1 to " + MAX_REGISTRATIONS + " bindings");
    }
    RegisterPointsAck.Builder ack =
        RegisterPointsAck.newBuilder().setSequence(registration.getSequence());
    int registered = 0;
    for (PointRegistration binding : registration.getRegistrationsList()) {
      int point = graph.point(binding.getPointId());
      IngestRejectReason reason = null;
      if (point < 0) {
        reason = IngestRejectReason.INGEST_REJECT_REASON_UNKNOWN_POINT;
      } else if (graph.pointTemplate(point).isSetpoint() || graph.pointNode(point) == 0) {
        // Setpoints change only through ApplySetpoint; the site's KPI points are computed.
        reason = IngestRejectReason.INGEST_REJECT_REASON_NOT_A_SENSOR;
      }
      if (reason != null) {
        unbind(binding.getHandle());
        ack.addRejected(
            RejectedRegistration.newBuilder()
                .setHandle(binding.getHandle())
                .setPointId(binding.getPointId())
                .setReason(reason));
        continue;
      }
      bind(binding.getHandle(), point);
      registered++;
    }
    send(
        IngestResponse.newBuilder()
            .setRegisterPointsAck(ack.setRegisteredCount(registered))
            .build());
  }

  private void bind(int handle, int point) {
    if (handle >= 0 && handle < DIRECT_HANDLES) {
      if (handle >= direct.length) {
        int size = Math.max(handle + 1, Math.min(DIRECT_HANDLES, direct.length * 2));
        int old = direct.length;
        direct = Arrays.copyOf(direct, size);
        Arrays.fill(direct, old, size, -1);
      }
      direct[handle] = point;
    } else {
      sparse.put(handle, point);
    }
  }

  private void unbind(int handle) {
    if (handle >= 0 && handle < direct.length) {
      direct[handle] = -1;
    } else {
      sparse.remove(handle);
    }
  }

  private int pointOf(int handle) {
    if (handle >= 0 && handle < DIRECT_HANDLES) {
      return handle < direct.length ? direct[handle] : -1;
    }
    return sparse.getOrDefault(handle, -1);
  }

  private void batch(TelemetryBatch batch) throws InterruptedException {
    requireHeader();
    int size = batch.getHandlesCount();
    if (size == 0 || size > MAX_BATCH) {
      throw new InvalidArgumentException(
          "batch.handles", "required: 1 to " + MAX_BATCH + " samples");
    }
    if (batch.getValuesCount() != size || batch.getFacilityTimeUnixMsCount() != size) {
      throw new InvalidArgumentException(
          "batch.values", "handles, values and facility_time_unix_ms must have equal lengths");
    }
    LiveState state = states.of(twinId);
    if (state.graph() != graph) {
      // The active revision changed: handles bound to the old revision's points are void.
      throw new InvalidArgumentException(
          "batch",
          "the twin switched to another revision; reconnect and register the points again");
    }
    int[] rejected = new int[IngestRejectReason.values().length];
    BatchAck.Builder ack = BatchAck.newBuilder().setSequence(batch.getSequence());
    List<LiveState.Rollup> closed = new ArrayList<>();
    List<LiveState.InsightEvent> events = new ArrayList<>();
    int accepted = 0;
    synchronized (state) {
      for (int i = 0; i < size; i++) {
        int handle = batch.getHandles(i);
        int point = pointOf(handle);
        IngestRejectReason reason =
            point < 0
                ? IngestRejectReason.INGEST_REJECT_REASON_UNKNOWN_HANDLE
                : state.offer(
                    point, batch.getValues(i), batch.getFacilityTimeUnixMs(i), closed, events);
        if (reason == null) {
          accepted++;
          continue;
        }
        rejected[reason.getNumber()]++;
        if (ack.getRejectedSamplesCount() < MAX_REPORTED_SAMPLES) {
          ack.addRejectedSamples(
              RejectedSample.newBuilder().setIndex(i).setHandle(handle).setReason(reason));
        }
      }
      state.evaluateKpis(events);
      state.sweep(closed);
    }
    // Outside the state's lock: waiting here for the writer holds back only this stream.
    rollups.accept(state, closed);
    insights.record(graph, events);
    state.log().signal();
    int rejectedTotal = 0;
    for (IngestRejectReason reason : IngestRejectReason.values()) {
      if (reason != IngestRejectReason.UNRECOGNIZED && rejected[reason.getNumber()] > 0) {
        ack.addRejectCounts(
            RejectCount.newBuilder().setReason(reason).setCount(rejected[reason.getNumber()]));
        rejectedTotal += rejected[reason.getNumber()];
      }
    }
    send(
        IngestResponse.newBuilder()
            .setBatchAck(ack.setAcceptedCount(accepted).setRejectedCount(rejectedTotal))
            .build());
  }

  private synchronized void send(IngestResponse message) {
    if (!closed) {
      response.onNext(message);
      lastSent = System.nanoTime();
    }
  }

  boolean closed() {
    return closed;
  }

  /** Sends a keepalive when nothing was sent for ten seconds; called by a timer. */
  void keepalive() {
    if (closed || System.nanoTime() - lastSent < KEEPALIVE_NANOS || !response.isReady()) {
      return;
    }
    io.factorytwin.twin.v1.Keepalive.Builder keepalive =
        io.factorytwin.twin.v1.Keepalive.newBuilder()
            .setServerTime(TwinMapper.timestamp(java.time.Instant.now()));
    if (twinId != null) {
      long clock = states.of(twinId).facilityClock();
      if (clock != Long.MIN_VALUE) {
        keepalive.setFacilityTime(TwinMapper.timestamp(java.time.Instant.ofEpochMilli(clock)));
      }
    }
    send(IngestResponse.newBuilder().setKeepalive(keepalive).build());
  }

  private synchronized void fail(Throwable failure) {
    if (closed) {
      return;
    }
    closed = true;
    response.onError(ErrorTable.toStatus(failure, errorDomain));
  }
}
