package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.BatchProposeSetpointsRequest;
import io.factorytwin.control.v1.BatchProposeSetpointsResponse;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.HeartbeatResponse;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.ListEdgesResponse;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code factoryctl agent run} against stand-ins for twin-service and control-service on loopback:
 * a twin whose active revision changes while the agent runs. Stand-ins, because a second revision
 * of the real reference hall needs the whole lifecycle of a design; they serve only the calls the
 * agent makes. AgentRunCliTest runs the agent against the real services.
 */
class AgentRevisionTest {

  private static final String TWIN = "twins/hall";

  /** GetLatestValues calls served while revision 1 is active; revision 2 is active after them. */
  private static final int CALLS_BEFORE_SWITCH = 10;

  private final AtomicInteger latestCalls = new AtomicInteger();
  private final List<String> proposedPoints = new CopyOnWriteArrayList<>();
  private final List<String> proposedBeforeSwitch = new CopyOnWriteArrayList<>();
  private volatile boolean switched;
  private Server server;
  private Path work;

  @BeforeEach
  void start() throws Exception {
    work = Files.createTempDirectory("agent-revision-test");
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new TwinStandIn())
            .addService(new ControlStandIn())
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Test
  void revisionSwitch_controlsTheNewCdus() throws Exception {
    Path parameters = work.resolve("parameters.json");
    Files.writeString(
        parameters,
        """
        {"algorithm": "predictive-liquid-cooling", "values": {"setpoint_c": 40,
         "setpoint_load_gain_k": 10, "lead_time_s": 0, "filter_time_s": 0,
         "pump_speed_min": 0.5, "pump_speed_load_gain": 0.4}}
        """);
    Path log = work.resolve("agent.jsonl");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    // Each GetLatestValues moves the facility clock by 60 s, so a 1 h run makes 60 reads; the
    // revision switches after the tenth.
    int code =
        FactoryCtl.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "agent",
            "run",
            "--parameters=" + parameters,
            "--twin=" + TWIN,
            "--agent=agents/lc-agent",
            "--interval=60s",
            "--poll=20ms",
            "--revision-check=100ms",
            "--duration=1h",
            "--log=" + log,
            "--twin-address=127.0.0.1:" + server.getPort(),
            "--control-address=127.0.0.1:" + server.getPort(),
            "--token=t");

    assertThat(code).as(err.toString()).isZero();
    String logText = Files.readString(log);
    assertThat(logText)
        .contains("\"revision\"")
        .contains("switched from " + TWIN + "/revisions/1 to " + TWIN + "/revisions/2");
    assertThat(proposedBeforeSwitch).isNotEmpty().allMatch(point -> point.contains("row-01.cdu"));
    List<String> after = proposedPoints.subList(proposedBeforeSwitch.size(), proposedPoints.size());
    assertThat(after)
        .as("proposals after the switch")
        .isNotEmpty()
        .anyMatch(point -> point.endsWith("row-02.cdu.liquid-temperature-sp.secondary-supply"))
        .anyMatch(point -> point.endsWith("row-02.cdu.pump-speed-sp"));
    // The first read after the switch may still use revision 1's CDU until the next check, but
    // the last proposal of the run is for revision 2.
    assertThat(after.get(after.size() - 1)).contains("row-02.cdu");
    assertThat(out.toString()).contains("errors 0");
  }

  private String revision() {
    return TWIN + "/revisions/" + (switched ? 2 : 1);
  }

  /** Row 01 in revision 1, row 02 in revision 2: one CDU supplying one 132 kW rack. */
  private String row() {
    return switched ? "row-02" : "row-01";
  }

  private final class TwinStandIn extends TwinServiceGrpc.TwinServiceImplBase {

    @Override
    public void getTwin(GetTwinRequest request, StreamObserver<Twin> response) {
      response.onNext(Twin.newBuilder().setName(TWIN).setActiveRevision(revision()).build());
      response.onCompleted();
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
      ListNodesResponse.Builder page = ListNodesResponse.newBuilder();
      if (request.getFilter().contains(EquipmentClass.EQUIPMENT_CLASS_CDU.name())) {
        page.addNodes(Node.newBuilder().setName(TWIN + "/nodes/" + row() + ".cdu"));
      } else if (request.getFilter().contains(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM.name())) {
        page.addNodes(
            Node.newBuilder()
                .setName(TWIN + "/nodes/" + row() + ".rack")
                .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(132)));
      }
      response.onNext(page.build());
      response.onCompleted();
    }

    @Override
    public void listEdges(ListEdgesRequest request, StreamObserver<ListEdgesResponse> response) {
      response.onNext(
          ListEdgesResponse.newBuilder()
              .addEdges(
                  Edge.newBuilder()
                      .setKind(EdgeKind.EDGE_KIND_SUPPLIES_COOLANT)
                      .setCoolantLoop(CoolantLoop.COOLANT_LOOP_TCS)
                      .setSource(TWIN + "/nodes/" + row() + ".cdu")
                      .setTarget(TWIN + "/nodes/" + row() + ".rack"))
              .build());
      response.onCompleted();
    }

    @Override
    public void getLatestValues(
        GetLatestValuesRequest request, StreamObserver<GetLatestValuesResponse> response) {
      int call = latestCalls.incrementAndGet();
      if (call > CALLS_BEFORE_SWITCH && !switched) {
        proposedBeforeSwitch.addAll(proposedPoints);
        switched = true;
      }
      Timestamp now = Timestamps.fromSeconds(1_780_000_000L + 60L * call);
      GetLatestValuesResponse.Builder values =
          GetLatestValuesResponse.newBuilder().setFacilityTime(now);
      for (String point : request.getPointsList()) {
        values.addValues(
            PointValue.newBuilder().setPoint(point).setValue(100).setFacilityTime(now));
      }
      response.onNext(values.build());
      response.onCompleted();
    }
  }

  private final class ControlStandIn extends ControlServiceGrpc.ControlServiceImplBase {

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      response.onNext(
          HeartbeatResponse.newBuilder()
              .setLeaseExpireTime(Timestamps.fromMillis(System.currentTimeMillis() + 60_000))
              .build());
      response.onCompleted();
    }

    @Override
    public void batchProposeSetpoints(
        BatchProposeSetpointsRequest request,
        StreamObserver<BatchProposeSetpointsResponse> response) {
      BatchProposeSetpointsResponse.Builder result = BatchProposeSetpointsResponse.newBuilder();
      for (ProposeSetpointRequest proposal : request.getRequestsList()) {
        proposedPoints.add(proposal.getPoint());
        result.addResponses(
            ProposeSetpointResponse.newBuilder()
                .setAction(
                    Action.newBuilder()
                        .setName("actions/" + proposal.getRequestId())
                        .setOutcome(Action.Outcome.OUTCOME_APPLIED)));
      }
      response.onNext(result.build());
      response.onCompleted();
    }
  }
}
