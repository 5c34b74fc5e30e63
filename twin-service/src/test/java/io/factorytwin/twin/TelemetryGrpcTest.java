package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.TimeRange;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.service.InsightStore;
import io.factorytwin.twin.service.RollupWriter;
import io.factorytwin.twin.v1.AcknowledgeInsightRequest;
import io.factorytwin.twin.v1.BatchAck;
import io.factorytwin.twin.v1.GetHistoryRequest;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.HistoryBucket;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRejectReason;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.ListInsightsRequest;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.RegisterPointsAck;
import io.factorytwin.twin.v1.RejectCount;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TelemetryGrpcTest {

  /** Midnight UTC yesterday: a minute boundary within the first-sample window of the twin. */
  private static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject RollupWriter rollups;

  @Inject InsightStore insightStore;

  private ManagedChannel channel;
  private TwinClient twin;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    twin = new TwinClient(channel);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  private String newTwin() {
    String twinId = "t-" + UUID.randomUUID().toString().substring(0, 8);
    twin.apply(
        HallDesign.of(2).stream(twinId, "designs/reference-hall/revisions/a", 500, false), true);
    return twinId;
  }

  /** A bidirectional Ingest stream driven message by message. */
  private final class Stream implements AutoCloseable {
    final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final StreamObserver<IngestRequest> requests;

    Stream() {
      requests =
          TwinServiceGrpc.newStub(channel)
              .withCallCredentials(
                  GrpcClients.bearer(TestKeys.token("bms-gateway", "telemetry-writer")))
              .ingest(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(IngestResponse value) {
                      received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      received.add(t);
                    }

                    @Override
                    public void onCompleted() {
                      received.add("completed");
                    }
                  });
    }

    Object send(IngestRequest message) throws InterruptedException {
      requests.onNext(message);
      Object reply = received.poll(30, TimeUnit.SECONDS);
      assertThat(reply).as("a reply to " + message.getMessageCase()).isNotNull();
      return reply;
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  private static IngestRequest header(String twinId) {
    return IngestRequest.newBuilder()
        .setHeader(IngestHeader.newBuilder().setTwin("twins/" + twinId).setSource("test-bms"))
        .build();
  }

  private static IngestRequest register(Map<Integer, String> bindings) {
    RegisterPoints.Builder register = RegisterPoints.newBuilder().setSequence(1);
    bindings.forEach(
        (handle, point) ->
            register.addRegistrations(
                PointRegistration.newBuilder().setHandle(handle).setPointId(point)));
    return IngestRequest.newBuilder().setRegisterPoints(register).build();
  }

  private static IngestRequest batch(long sequence, int[] handles, double[] values, long[] times) {
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(sequence);
    for (int i = 0; i < handles.length; i++) {
      batch.addHandles(handles[i]).addValues(values[i]).addFacilityTimeUnixMs(times[i]);
    }
    return IngestRequest.newBuilder().setBatch(batch).build();
  }

  private static final String RACK_POWER = "hall-1.row-01.rack-01.rack-power";
  private static final String CDU_SUPPLY =
      "hall-1.row-01.cdu-1.liquid-temperature.secondary-supply";

  @Test
  void ingest_keepsTheGoodSamples_andCountsTheBadOnes() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      RegisterPointsAck registered =
          ((IngestResponse)
                  stream.send(
                      register(
                          Map.of(
                              1,
                              RACK_POWER,
                              2,
                              CDU_SUPPLY,
                              3,
                              "hall-1.row-01.cdu-1.pump-speed-sp",
                              4,
                              "hall-1.row-01.rack-01.no-such-point"))))
              .getRegisterPointsAck();
      BatchAck ack =
          ((IngestResponse)
                  stream.send(
                      batch(
                          7,
                          new int[] {1, 2, 1, 2, 9, 1, 2},
                          new double[] {118.5, 31.2, Double.NaN, 900, 5, 117.0, 31.4},
                          new long[] {
                            T0 + 1000, T0 + 1000, T0 + 2000, T0 + 2000, T0 + 2000, T0 + 500,
                            T0 + 1000
                          })))
              .getBatchAck();

      assertThat(registered.getRegisteredCount()).isEqualTo(2);
      assertThat(registered.getRejectedList())
          .extracting(r -> r.getHandle() + ":" + r.getReason())
          .containsExactlyInAnyOrder(
              "3:" + IngestRejectReason.INGEST_REJECT_REASON_NOT_A_SENSOR,
              "4:" + IngestRejectReason.INGEST_REJECT_REASON_UNKNOWN_POINT);
      assertThat(ack.getSequence()).isEqualTo(7);
      assertThat(ack.getAcceptedCount()).isEqualTo(2);
      assertThat(ack.getRejectedCount()).isEqualTo(5);
      assertThat(
              ack.getRejectCountsList().stream()
                  .collect(Collectors.toMap(RejectCount::getReason, RejectCount::getCount)))
          .containsOnly(
              Map.entry(IngestRejectReason.INGEST_REJECT_REASON_NON_FINITE, 1),
              Map.entry(IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_PHYSICAL_RANGE, 1),
              Map.entry(IngestRejectReason.INGEST_REJECT_REASON_UNKNOWN_HANDLE, 1),
              Map.entry(IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_ORDER, 1),
              Map.entry(IngestRejectReason.INGEST_REJECT_REASON_DUPLICATE, 1));
      assertThat(ack.getRejectedSamplesList())
          .extracting(s -> s.getIndex())
          .containsExactly(2, 3, 4, 5, 6);
    }
    GetLatestValuesResponse response =
        twin.reader.getLatestValues(
            GetLatestValuesRequest.newBuilder()
                .setParent("twins/" + twinId)
                .addPoints("twins/" + twinId + "/points/" + RACK_POWER)
                .addPoints("twins/" + twinId + "/points/" + CDU_SUPPLY)
                .addPoints("twins/" + twinId + "/points/hall-1.row-02.rack-01.rack-power")
                .build());
    List<PointValue> latest = response.getValuesList();
    Twin described =
        twin.reader.getTwin(GetTwinRequest.newBuilder().setName("twins/" + twinId).build());
    assertThat(response.getFacilityTime()).isEqualTo(described.getFacilityTime());
    assertThat(response.getRevision()).isEqualTo(described.getActiveRevision());
    assertThat(latest.get(0).getValue()).isEqualTo(118.5);
    assertThat(latest.get(0).getFacilityTime().getSeconds()).isEqualTo((T0 + 1000) / 1000);
    assertThat(latest.get(1).getValue()).isEqualTo(31.2);
    assertThat(latest.get(2).hasValue()).isFalse();
    Timestamp clock =
        twin.reader
            .getTwin(GetTwinRequest.newBuilder().setName("twins/" + twinId).build())
            .getFacilityTime();
    assertThat(clock.getSeconds()).isGreaterThanOrEqualTo((T0 + 1000) / 1000);
  }

  @Test
  void ingest_writesOneMinuteRollups_andServesHistory() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(1, RACK_POWER, 2, CDU_SUPPLY)));
      // Minute 0: rack power 100, 110, 120; minute 1: 130; then the CDU moves the clock to
      // minute 3, which closes the rack's minute 1 by the sweep although the rack went quiet.
      stream.send(
          batch(
              1,
              new int[] {1, 1, 1},
              new double[] {100, 110, 120},
              new long[] {T0 + 10_000, T0 + 20_000, T0 + 30_000}));
      stream.send(
          batch(
              2, new int[] {1, 2}, new double[] {130, 30}, new long[] {T0 + 70_000, T0 + 70_000}));
      stream.send(batch(3, new int[] {2}, new double[] {31}, new long[] {T0 + 185_000}));
    }
    assertThat(rollups.drain(10_000)).isTrue();
    GetHistoryRequest.Builder request =
        GetHistoryRequest.newBuilder()
            .setPoint("twins/" + twinId + "/points/" + RACK_POWER)
            .setTimeRange(
                TimeRange.newBuilder()
                    .setStartTime(Timestamp.newBuilder().setSeconds(T0 / 1000))
                    .setEndTime(Timestamp.newBuilder().setSeconds(T0 / 1000 + 600)));

    List<HistoryBucket> minutes =
        twin.reader
            .getHistory(request.setResolution(Duration.newBuilder().setSeconds(60)).build())
            .getBucketsList();
    List<HistoryBucket> fiveMinutes =
        twin.reader
            .getHistory(request.setResolution(Duration.newBuilder().setSeconds(300)).build())
            .getBucketsList();
    List<HistoryBucket> raw =
        twin.reader
            .getHistory(request.setResolution(Duration.getDefaultInstance()).build())
            .getBucketsList();
    StatusRuntimeException badResolution =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.reader.getHistory(
                    request.setResolution(Duration.newBuilder().setSeconds(90)).build()));

    assertThat(minutes).hasSize(2);
    assertThat(minutes.get(0).getStartFacilityTime().getSeconds()).isEqualTo(T0 / 1000);
    assertThat(minutes.get(0).getMinValue()).isEqualTo(100.0);
    assertThat(minutes.get(0).getMeanValue()).isEqualTo(110.0);
    assertThat(minutes.get(0).getMaxValue()).isEqualTo(120.0);
    assertThat(minutes.get(0).getCount()).isEqualTo(3);
    assertThat(minutes.get(1).getMeanValue()).isEqualTo(130.0);
    assertThat(fiveMinutes)
        .singleElement()
        .satisfies(
            bucket -> {
              assertThat(bucket.getCount()).isEqualTo(4);
              assertThat(bucket.getMeanValue()).isEqualTo(115.0);
            });
    assertThat(raw)
        .extracting(HistoryBucket::getMeanValue)
        .containsExactly(100.0, 110.0, 120.0, 130.0);
    assertThat(StatusDetails.fields(badResolution)).containsExactly("resolution");
  }

  private List<Insight> insights(String twinId) throws InterruptedException {
    insightStore.drain();
    return twin.reader
        .listInsights(ListInsightsRequest.newBuilder().setParent("twins/" + twinId).build())
        .getInsightsList();
  }

  @Test
  void insight_opensAfterItsDuration_holdsInTheHysteresis_andResolvesPastIt() throws Exception {
    String twinId = newTwin();
    List<Insight> beforeDuration;
    List<Insight> opened;
    List<Insight> inBand;
    Insight acknowledged;
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(2, CDU_SUPPLY)));
      // The CDU's spec allows 45 °C; the rule waits 60 s of facility time and resolves below 44.
      stream.send(
          batch(1, new int[] {2, 2}, new double[] {46, 46.5}, new long[] {T0, T0 + 30_000}));
      beforeDuration = insights(twinId);
      stream.send(batch(2, new int[] {2}, new double[] {47}, new long[] {T0 + 61_000}));
      opened = insights(twinId);
      acknowledged =
          twin.operator.acknowledgeInsight(
              AcknowledgeInsightRequest.newBuilder()
                  .setName(opened.get(0).getName())
                  .setEtag(opened.get(0).getEtag())
                  .setComment("raising pump speed")
                  .build());
      stream.send(batch(3, new int[] {2}, new double[] {44.5}, new long[] {T0 + 90_000}));
      inBand = insights(twinId);
      stream.send(batch(4, new int[] {2}, new double[] {43.9}, new long[] {T0 + 120_000}));
    }
    List<Insight> resolved = insights(twinId);
    StatusRuntimeException ackResolved =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.operator.acknowledgeInsight(
                    AcknowledgeInsightRequest.newBuilder()
                        .setName(resolved.get(0).getName())
                        .setEtag(resolved.get(0).getEtag())
                        .build()));

    assertThat(beforeDuration).isEmpty();
    assertThat(opened)
        .singleElement()
        .satisfies(
            insight -> {
              assertThat(insight.getState()).isEqualTo(Insight.State.STATE_OPEN);
              assertThat(insight.getRule()).isEqualTo("tcs-supply-temperature-high");
              assertThat(insight.getSummary())
                  .isEqualTo("cdu-1 secondary supply temperature too high");
              assertThat(insight.getThresholdValue()).isEqualTo(45.0);
              assertThat(insight.getFirstSeenFacilityTime().getSeconds()).isEqualTo(T0 / 1000);
              assertThat(insight.getLastSeenFacilityTime().getSeconds())
                  .isEqualTo((T0 + 61_000) / 1000);
            });
    assertThat(acknowledged.getState()).isEqualTo(Insight.State.STATE_ACKNOWLEDGED);
    assertThat(acknowledged.getAcknowledgedBy()).isEqualTo("operator-1");
    assertThat(inBand)
        .singleElement()
        .satisfies(
            insight -> assertThat(insight.getState()).isEqualTo(Insight.State.STATE_ACKNOWLEDGED));
    assertThat(resolved)
        .singleElement()
        .satisfies(
            insight -> {
              assertThat(insight.getState()).isEqualTo(Insight.State.STATE_RESOLVED);
              assertThat(insight.getResolveFacilityTime().getSeconds())
                  .isEqualTo((T0 + 120_000) / 1000);
            });
    assertThat(ackResolved.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void insight_conditionBrokenBeforeItsDuration_opensNothing() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(2, CDU_SUPPLY)));
      // Above the limit twice, but a sample inside it in between restarts the 60 s.
      stream.send(
          batch(
              1,
              new int[] {2, 2, 2, 2},
              new double[] {46, 44.9, 46, 46},
              new long[] {T0, T0 + 40_000, T0 + 50_000, T0 + 100_000}));
    }

    assertThat(insights(twinId)).isEmpty();
  }

  @Test
  void kpis_addUpTheLatestValues() throws Exception {
    String twinId = newTwin();
    io.factorytwin.twin.v1.Kpis before =
        twin.reader.getKpis(
            io.factorytwin.twin.v1.GetKpisRequest.newBuilder().setTwin("twins/" + twinId).build());
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(
          register(
              Map.of(
                  1, RACK_POWER,
                  2, "hall-1.row-01.rack-02.rack-power",
                  3, "hall-1.row-01.cdu-1.power",
                  4, "utility-a.active-power",
                  5, "hall-1.row-01.rack-01.tokens-per-second")));
      stream.send(
          batch(
              1,
              new int[] {1, 2, 3, 4, 5},
              new double[] {100, 110, 20, 300, 1_500_000},
              new long[] {T0, T0, T0, T0, T0}));
      // A new value replaces the rack's old one in the sum, it is not added to it.
      stream.send(batch(2, new int[] {1}, new double[] {120}, new long[] {T0 + 1000}));
    }

    io.factorytwin.twin.v1.Kpis kpis =
        twin.reader.getKpis(
            io.factorytwin.twin.v1.GetKpisRequest.newBuilder().setTwin("twins/" + twinId).build());
    PointValue sitePue =
        twin.reader
            .getLatestValues(
                GetLatestValuesRequest.newBuilder()
                    .setParent("twins/" + twinId)
                    .addPoints("twins/" + twinId + "/points/site.pue")
                    .build())
            .getValues(0);

    assertThat(before.hasPue()).isFalse();
    assertThat(before.hasItPowerKw()).isFalse();
    assertThat(kpis.getItPowerKw()).isEqualTo(230.0);
    assertThat(kpis.getCoolingPowerKw()).isEqualTo(20.0);
    assertThat(kpis.getFacilityPowerKw()).isEqualTo(300.0);
    assertThat(kpis.getPue()).isCloseTo(300.0 / 230.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(kpis.getTokensPerWatt()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(kpis.getFacilityTime().getSeconds()).isEqualTo((T0 + 1000) / 1000);
    assertThat(sitePue.getValue()).isEqualTo(kpis.getPue());
  }

  @Test
  void impact_onTheLiveBasis_usesReportedRackPower() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      Map<Integer, String> racks = new java.util.HashMap<>();
      for (int k = 1; k <= 16; k++) {
        racks.put(k, String.format("hall-1.row-01.rack-%02d.rack-power", k));
      }
      stream.send(register(racks));
      int[] handles = racks.keySet().stream().mapToInt(Integer::intValue).toArray();
      double[] values = new double[handles.length];
      long[] times = new long[handles.length];
      java.util.Arrays.fill(values, 60.0);
      java.util.Arrays.fill(times, T0);
      stream.send(batch(1, handles, values, times));
    }
    io.factorytwin.twin.v1.AnalyzeImpactRequest.Builder request =
        io.factorytwin.twin.v1.AnalyzeImpactRequest.newBuilder()
            .setParent("twins/" + twinId)
            .addFailedNodes("twins/" + twinId + "/nodes/hall-1.row-01.cdu-1")
            .addFailedNodes("twins/" + twinId + "/nodes/hall-1.row-01.cdu-2");

    io.factorytwin.twin.v1.AnalyzeImpactResponse design =
        twin.reader.analyzeImpact(request.build());
    io.factorytwin.twin.v1.AnalyzeImpactResponse live =
        twin.reader.analyzeImpact(
            request.setLoadBasis(io.factorytwin.twin.v1.LoadBasis.LOAD_BASIS_LIVE).build());

    // At design power one CDU of 1,350 kW cannot carry 16 x 120 x 0.9 = 1,728 kW; at the
    // reported 60 kW per rack the load is 864 kW, so the row keeps cooling with reduced redundancy.
    assertThat(design.getAffectedRacks(0).getImpactsList())
        .containsExactly(io.factorytwin.twin.v1.ImpactKind.IMPACT_KIND_LOSES_COOLING);
    assertThat(live.getAffectedRacks(0).getImpactsList())
        .containsExactly(io.factorytwin.twin.v1.ImpactKind.IMPACT_KIND_REDUNDANCY_REDUCED);
    assertThat(live.getGroups(0).getLoadKw())
        .isCloseTo(864.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void insight_valueAwayFromItsSetpoint_opens_andResolvesWhenTheSetpointMoves() throws Exception {
    String twinId = newTwin();
    List<Insight> opened;
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(2, CDU_SUPPLY)));
      // The design's TCS supply setpoint is 30 °C; the CDU reports 34 °C for five minutes.
      stream.send(
          batch(
              1,
              new int[] {2, 2, 2},
              new double[] {34, 34, 34},
              new long[] {T0, T0 + 150_000, T0 + 300_000}));
      opened = insights(twinId);
      twin.control.applySetpoint(
          io.factorytwin.twin.v1.ApplySetpointRequest.newBuilder()
              .setPoint(
                  "twins/"
                      + twinId
                      + "/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply")
              .setValue(33)
              .setExpectedVersion(1)
              .setRequestId(UUID.randomUUID().toString())
              .setAction("actions/deviation-test")
              .setFacilityTime(
                  com.google.protobuf.Timestamp.newBuilder().setSeconds(T0 / 1000 + 300))
              .build());
      stream.send(batch(2, new int[] {2}, new double[] {34}, new long[] {T0 + 310_000}));
    }
    List<Insight> resolved = insights(twinId);

    assertThat(opened)
        .singleElement()
        .satisfies(
            insight -> {
              assertThat(insight.getRule()).isEqualTo("temperature-off-setpoint");
              assertThat(insight.getRuleKind())
                  .isEqualTo(Insight.RuleKind.RULE_KIND_SETPOINT_DEVIATION);
              assertThat(insight.getThresholdValue()).isEqualTo(2.0);
              assertThat(insight.getState()).isEqualTo(Insight.State.STATE_OPEN);
            });
    assertThat(resolved)
        .singleElement()
        .satisfies(
            insight -> {
              assertThat(insight.getState()).isEqualTo(Insight.State.STATE_RESOLVED);
              // The setpoint change on the same CDU is linked to the insight.
              assertThat(insight.getLinkedActionsList()).containsExactly("actions/deviation-test");
            });
  }

  @Test
  void ingest_idleStream_getsKeepalives() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      Object reply = stream.received.poll(15, TimeUnit.SECONDS);

      assertThat(reply)
          .isInstanceOfSatisfying(
              IngestResponse.class, response -> assertThat(response.hasKeepalive()).isTrue());
    }
  }

  @Test
  void activate_keepsTheLiveValuesOfPointsBothRevisionsHave() throws Exception {
    String twinId = newTwin();
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(1, RACK_POWER, 2, "hall-1.row-02.rack-01.rack-power")));
      stream.send(batch(1, new int[] {1, 2}, new double[] {118, 99}, new long[] {T0, T0}));
    }
    // Revision b has row 1 only: row 2's rack is gone, row 1's rack keeps its value.
    twin.apply(
        HallDesign.of(1).stream(twinId, "designs/reference-hall/revisions/b", 500, false), true);
    io.factorytwin.twin.v1.Twin current =
        twin.reader.getTwin(
            io.factorytwin.twin.v1.GetTwinRequest.newBuilder().setName("twins/" + twinId).build());
    twin.operator.activateTwinRevision(
        io.factorytwin.twin.v1.ActivateTwinRevisionRequest.newBuilder()
            .setName("twins/" + twinId + "/revisions/b")
            .setEtag(current.getEtag())
            .build());

    List<PointValue> values =
        twin.reader
            .getLatestValues(
                GetLatestValuesRequest.newBuilder()
                    .setParent("twins/" + twinId)
                    .addPoints("twins/" + twinId + "/points/" + RACK_POWER)
                    .build())
            .getValuesList();
    List<HistoryBucket> history =
        twin.reader
            .getHistory(
                GetHistoryRequest.newBuilder()
                    .setPoint("twins/" + twinId + "/points/" + RACK_POWER)
                    .setTimeRange(
                        TimeRange.newBuilder()
                            .setStartTime(Timestamp.newBuilder().setSeconds(T0 / 1000 - 60))
                            .setEndTime(Timestamp.newBuilder().setSeconds(T0 / 1000 + 60)))
                    .build())
            .getBucketsList();

    assertThat(values.get(0).getValue()).isEqualTo(118.0);
    assertThat(history).extracting(HistoryBucket::getMeanValue).containsExactly(118.0);
  }

  @Test
  void insight_risingFast_andPueAboveExpected_openAndResolve() throws Exception {
    String twinId = newTwin();
    List<Insight> risen;
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(
          register(
              Map.of(
                  1,
                  RACK_POWER,
                  2,
                  CDU_SUPPLY,
                  3,
                  "hall-1.row-01.rack-02.rack-power",
                  4,
                  "utility-a.active-power")));
      // 3 K in one minute is above the 2 K/min limit; PUE 300 / 200 = 1.5 is above 1.2 + 0.1.
      stream.send(
          batch(
              1,
              new int[] {2, 1, 3, 4, 2},
              new double[] {30, 100, 100, 300, 33},
              new long[] {T0, T0, T0, T0, T0 + 60_000}));
      risen = insights(twinId);
      // A slow rise resolves the rate insight; ten minutes above the PUE band opens the KPI one.
      stream.send(
          batch(
              2,
              new int[] {2, 4},
              new double[] {33.2, 300.5},
              new long[] {T0 + 120_000, T0 + 600_000}));
    }
    List<Insight> later = insights(twinId);

    assertThat(risen)
        .singleElement()
        .satisfies(
            insight -> {
              assertThat(insight.getRule()).isEqualTo("tcs-supply-temperature-rising");
              assertThat(insight.getRuleKind())
                  .isEqualTo(Insight.RuleKind.RULE_KIND_RATE_OF_CHANGE);
              assertThat(insight.getObservedValue())
                  .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
            });
    assertThat(later)
        .extracting(Insight::getRule, Insight::getState)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "tcs-supply-temperature-rising", Insight.State.STATE_RESOLVED),
            org.assertj.core.groups.Tuple.tuple("pue-above-expected", Insight.State.STATE_OPEN));
    assertThat(later)
        .filteredOn(insight -> insight.getRule().equals("pue-above-expected"))
        .singleElement()
        .satisfies(insight -> assertThat(insight.getPoint()).endsWith("/points/site.pue"));
  }

  @Test
  void ingest_aFirstSampleFarFromTheWallClock_isRejected_andSetsNoClock() throws Exception {
    String twinId = newTwin();
    BatchAck ack;
    try (Stream stream = new Stream()) {
      stream.requests.onNext(header(twinId));
      stream.send(register(Map.of(1, RACK_POWER)));
      // 2100-01-01: accepted, it would make every real sample after it stale.
      ack =
          ((IngestResponse)
                  stream.send(
                      batch(1, new int[] {1}, new double[] {10}, new long[] {4_102_444_800_000L})))
              .getBatchAck();
    }
    io.factorytwin.twin.v1.Twin read =
        twin.reader.getTwin(
            io.factorytwin.twin.v1.GetTwinRequest.newBuilder().setName("twins/" + twinId).build());

    assertThat(ack.getAcceptedCount()).isZero();
    assertThat(ack.getRejectCounts(0).getReason())
        .isEqualTo(IngestRejectReason.INGEST_REJECT_REASON_TOO_FAR_AHEAD);
    assertThat(read.hasFacilityTime()).isFalse();
  }

  @Test
  void ingest_withoutHeader_failsTheStream() throws Exception {
    try (Stream stream = new Stream()) {
      Object reply = stream.send(batch(1, new int[] {1}, new double[] {1}, new long[] {T0}));

      assertThat(reply).isInstanceOf(StatusRuntimeException.class);
      StatusRuntimeException failure = (StatusRuntimeException) reply;
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.fields(failure)).containsExactly("header");
    }
  }
}
