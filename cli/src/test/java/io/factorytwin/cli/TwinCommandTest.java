package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.common.v1.Redundancy;
import io.factorytwin.twin.v1.AnalyzeImpactRequest;
import io.factorytwin.twin.v1.AnalyzeImpactResponse;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GroupImpact;
import io.factorytwin.twin.v1.ImpactKind;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.RackImpact;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TraverseResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * factoryctl twin against a stand-in twin-service on loopback: the requests the commands build and
 * what they print. The queries themselves are tested in twin-service's TwinGraphGrpcTest.
 */
class TwinCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<AnalyzeImpactRequest> impactRequest = new AtomicReference<>();
  private final AtomicReference<TraverseRequest> traverseRequest = new AtomicReference<>();
  private Server server;

  @BeforeEach
  void startServer() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new StandInTwin())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdownNow();
  }

  private final class StandInTwin extends TwinServiceGrpc.TwinServiceImplBase {
    @Override
    public void analyzeImpact(
        AnalyzeImpactRequest request, StreamObserver<AnalyzeImpactResponse> response) {
      impactRequest.set(request);
      if (request.getFailedNodesList().contains("twins/hall/nodes/nope")) {
        response.onError(Status.NOT_FOUND.withDescription("twins/hall/nodes/nope").asException());
        return;
      }
      response.onNext(
          AnalyzeImpactResponse.newBuilder()
              .setEvaluatedRackCount(128)
              .addAffectedRacks(
                  RackImpact.newBuilder()
                      .setRack("twins/hall/nodes/hall-1.row-01.rack-01")
                      .addImpacts(ImpactKind.IMPACT_KIND_REDUNDANCY_REDUCED)
                      .setReason("group hall-1.row-01.cdus lost 1 of 3 members")
                      .setCapacityMarginKw(972))
              .addGroups(
                  GroupImpact.newBuilder()
                      .setGroup("hall-1.row-01.cdus")
                      .setDeclaredRedundancy(Redundancy.REDUNDANCY_N_PLUS_1)
                      .addFailedMembers("twins/hall/nodes/hall-1.row-01.cdu-2")
                      .setRemainingCapacityKw(2700)
                      .setLoadKw(1728))
              .build());
      response.onCompleted();
    }

    @Override
    public void getKpis(
        io.factorytwin.twin.v1.GetKpisRequest request,
        StreamObserver<io.factorytwin.twin.v1.Kpis> response) {
      response.onNext(
          io.factorytwin.twin.v1.Kpis.newBuilder()
              .setTwin(request.getTwin())
              .setPue(1.18)
              .setItPowerKw(15360)
              .build());
      response.onCompleted();
    }

    @Override
    public void traverse(TraverseRequest request, StreamObserver<TraverseResponse> response) {
      traverseRequest.set(request);
      response.onNext(
          TraverseResponse.newBuilder()
              .addPaths(
                  Path.newBuilder()
                      .addNodes("twins/hall/nodes/hall-1.row-01.rack-01")
                      .addNodes("twins/hall/nodes/hall-1.row-01.rpp-a1")
                      .addNodes("twins/hall/nodes/utility-a"))
              .build());
      response.onCompleted();
    }
  }

  private int run(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "twin";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--token=t";
    all[args.length + 2] = "--twin-address=127.0.0.1:" + server.getPort();
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  void impact_namesTheNodesAndPrintsRacksAndGroups() {
    int code = run("impact", "hall", "hall-1.row-01.cdu-2", "twins/hall/nodes/hall-1.ups-a1");

    assertThat(code).isZero();
    assertThat(impactRequest.get().getParent()).isEqualTo("twins/hall");
    assertThat(impactRequest.get().getFailedNodesList())
        .containsExactly("twins/hall/nodes/hall-1.row-01.cdu-2", "twins/hall/nodes/hall-1.ups-a1");
    assertThat(out.toString())
        .contains("hall-1.row-01.rack-01")
        .contains("REDUNDANCY_REDUCED")
        .contains("972")
        .contains("N_PLUS_1")
        .contains("1 of 128 racks affected");
  }

  @Test
  void impact_ofAnUnknownNode_exitsRejected() {
    int code = run("impact", "hall", "nope");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("NOT_FOUND");
  }

  @Test
  void trace_sendsTheKindsAndPrintsThePath() {
    int code = run("trace", "hall", "hall-1.row-01.rack-01", "--kind", "feeds_power");

    assertThat(code).isZero();
    assertThat(traverseRequest.get().getDirection())
        .isEqualTo(TraverseDirection.TRAVERSE_DIRECTION_UP);
    assertThat(traverseRequest.get().getEdgeKindsList())
        .containsExactly(EdgeKind.EDGE_KIND_FEEDS_POWER);
    assertThat(out.toString()).contains("hall-1.row-01.rack-01 < hall-1.row-01.rpp-a1 < utility-a");
  }

  @Test
  void trace_withAnUnknownKind_failsBeforeCalling() {
    int code = run("trace", "hall", "hall-1.row-01.rack-01", "--kind", "pipes");

    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("unknown edge kind 'pipes'");
    assertThat(traverseRequest.get()).isNull();
  }

  @Test
  void kpis_printsSetFiguresAndDashesForUnsetOnes() {
    int code = run("kpis", "hall");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("PUE").contains("1.180").contains("15360.0");
    assertThat(out.toString()).containsPattern("cooling power kW\\s+-");
  }
}
