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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code factoryctl agent run} against stand-ins for twin-service and control-service on loopback:
 * a twin whose active revision changes while the agent runs. Stand-ins, because a second revision
 * of the real reference hall needs the whole lifecycle of a design; they serve only the calls the
 * agent makes. AgentRunCliTest runs the agent against the real services.
 */
class AgentRevisionTest {

  private static final String TWIN = "twins/hall";

  /** GetLatestValues reads served while revision 1 is active. */
  private static final int READS_IN_REVISION_1 = 10;

  /** Reads with revision 2's racks before revision 3, which has no CDU, becomes active. */
  private static final int READS_IN_REVISION_2 = 10;

  private static final long CLOCK_ORIGIN_S = 1_780_000_000L;

  /** Proposals as {@code point@facility time}, in the order control-service received them. */
  private final List<String> proposals = new CopyOnWriteArrayList<>();

  private volatile int revision = 1;
  private int reads;
  private int readsOfRevision2;
  private long ticks;
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

  /**
   * Revision 1 has row-01's CDU. Revision 2 adds row-00's, which sorts first, so row-01's CDU moves
   * from index 0 to 1. The facility clock does not move from the switch until the agent has read
   * once with revision 2's racks, so that a decision time kept by index would make row-01's CDU
   * decide twice at one facility time. Revision 3 has no CDU, and the agent must still stop at the
   * end of --duration. Each read moves the clock by 60 s otherwise, so the run has 60 of them.
   */
  @Test
  @Timeout(60)
  void revisionSwitches_followedWithoutRepeats() throws Exception {
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
    assertThat(Files.readString(log))
        .contains("switched from " + TWIN + "/revisions/1 to " + TWIN + "/revisions/2: 2 CDUs")
        .contains("switched from " + TWIN + "/revisions/2 to " + TWIN + "/revisions/3: 0 CDUs");
    assertThat(proposals)
        .as("no point proposed twice at one facility time")
        .doesNotHaveDuplicates();
    assertThat(proposals)
        .anyMatch(p -> p.startsWith(TWIN + "/points/row-00.cdu.liquid-temperature-sp"))
        .anyMatch(p -> p.startsWith(TWIN + "/points/row-00.cdu.pump-speed-sp"))
        .anyMatch(p -> p.startsWith(TWIN + "/points/row-01.cdu.pump-speed-sp"));
    assertThat(out.toString()).contains("errors 0");
  }

  private static String revisionName(int number) {
    return TWIN + "/revisions/" + number;
  }

  /** Returns the rows of the active revision's CDUs; each CDU supplies one 132 kW rack. */
  private List<String> rows() {
    return switch (revision) {
      case 1 -> List.of("row-01");
      case 2 -> List.of("row-00", "row-01");
      default -> List.of();
    };
  }

  private synchronized Timestamp clock() {
    return Timestamps.fromSeconds(CLOCK_ORIGIN_S + 60L * ticks);
  }

  private final class TwinStandIn extends TwinServiceGrpc.TwinServiceImplBase {

    @Override
    public void getTwin(GetTwinRequest request, StreamObserver<Twin> response) {
      Twin.Builder twin = Twin.newBuilder().setName(TWIN).setActiveRevision(revisionName(revision));
      synchronized (AgentRevisionTest.this) {
        if (revision == 3) {
          // The idle agent reads the clock here; move it as a read would.
          ticks++;
        }
        twin.setFacilityTime(clock());
      }
      response.onNext(twin.build());
      response.onCompleted();
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
      ListNodesResponse.Builder page = ListNodesResponse.newBuilder();
      for (String row : rows()) {
        if (request.getFilter().contains(EquipmentClass.EQUIPMENT_CLASS_CDU.name())) {
          page.addNodes(Node.newBuilder().setName(TWIN + "/nodes/" + row + ".cdu"));
        } else if (request
            .getFilter()
            .contains(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM.name())) {
          page.addNodes(
              Node.newBuilder()
                  .setName(TWIN + "/nodes/" + row + ".rack")
                  .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(132)));
        }
      }
      response.onNext(page.build());
      response.onCompleted();
    }

    @Override
    public void listEdges(ListEdgesRequest request, StreamObserver<ListEdgesResponse> response) {
      ListEdgesResponse.Builder page = ListEdgesResponse.newBuilder();
      for (String row : rows()) {
        page.addEdges(
            Edge.newBuilder()
                .setKind(EdgeKind.EDGE_KIND_SUPPLIES_COOLANT)
                .setCoolantLoop(CoolantLoop.COOLANT_LOOP_TCS)
                .setSource(TWIN + "/nodes/" + row + ".cdu")
                .setTarget(TWIN + "/nodes/" + row + ".rack"));
      }
      response.onNext(page.build());
      response.onCompleted();
    }

    @Override
    public void getLatestValues(
        GetLatestValuesRequest request, StreamObserver<GetLatestValuesResponse> response) {
      Timestamp now;
      synchronized (AgentRevisionTest.this) {
        reads++;
        boolean revision2Racks =
            request.getPointsList().stream().anyMatch(point -> point.contains("row-00"));
        if (revision2Racks) {
          readsOfRevision2++;
        }
        if (revision == 1 && reads > READS_IN_REVISION_1) {
          revision = 2;
        } else if (revision == 2 && readsOfRevision2 > READS_IN_REVISION_2) {
          revision = 3;
        }
        boolean holdClock = revision == 2 && readsOfRevision2 <= 1;
        if (!holdClock) {
          ticks++;
        }
        now = clock();
      }
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
        proposals.add(proposal.getPoint() + "@" + Timestamps.toString(proposal.getFacilityTime()));
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
