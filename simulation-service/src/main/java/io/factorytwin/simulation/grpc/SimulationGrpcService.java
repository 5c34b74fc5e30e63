package io.factorytwin.simulation.grpc;

import io.factorytwin.simulation.mapping.DataSetMapper;
import io.factorytwin.simulation.service.DataSetCatalog;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.GetDataSetRequest;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * The gRPC endpoint of simulation-service. Methods not overridden here answer UNIMPLEMENTED, the
 * grpc-java default, with a message that names the method; each is built in its own change.
 * Blocking: every method runs on a worker thread, never on the event loop, because they read files
 * and the database.
 */
@GrpcService
@Blocking
public class SimulationGrpcService extends SimulationServiceGrpc.SimulationServiceImplBase {

  private final DataSetCatalog catalog;

  SimulationGrpcService(DataSetCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void listDataSets(
      ListDataSetsRequest request, StreamObserver<ListDataSetsResponse> response) {
    DataSetCatalog.Page page =
        catalog.list(
            DataSetMapper.kinds(request.getKind()),
            request.getPageSize(),
            DataSetMapper.after(request.getKind(), request.getPageToken()));
    ListDataSetsResponse.Builder builder =
        ListDataSetsResponse.newBuilder()
            .setNextPageToken(DataSetMapper.pageToken(request.getKind(), page.nextAfter()));
    page.dataSets().forEach(info -> builder.addDataSets(DataSetMapper.toProto(info)));
    response.onNext(builder.build());
    response.onCompleted();
  }

  @Override
  public void getDataSet(GetDataSetRequest request, StreamObserver<DataSet> response) {
    response.onNext(DataSetMapper.toProto(catalog.get(request.getName())));
    response.onCompleted();
  }
}
