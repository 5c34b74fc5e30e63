package io.factorytwin.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.DataSetKind;
import io.factorytwin.simulation.v1.GetDataSetRequest;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class DataSetsGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private SimulationServiceGrpc.SimulationServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    stub =
        SimulationServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("planner", "reader")))
            .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void listWeather_returnsRealEpwFiles() {
    ListDataSetsResponse response =
        stub.listDataSets(
            ListDataSetsRequest.newBuilder().setKind(DataSetKind.DATA_SET_KIND_WEATHER).build());

    assertThat(response.getDataSetsList())
        .extracting(DataSet::getName)
        .contains("weather/USA_VA_Leesburg.Exec.epw", "weather/USA_WA_Seattle-Tacoma.epw")
        .allMatch(name -> name.startsWith("weather/"));
    assertThat(response.getDataSetsList())
        .allMatch(dataSet -> dataSet.getKind() == DataSetKind.DATA_SET_KIND_WEATHER)
        .allMatch(dataSet -> dataSet.getSizeBytes() > 0);
  }

  @Test
  void listAll_pagesThroughEveryDataSetOnce() {
    List<String> all =
        stub
            .listDataSets(ListDataSetsRequest.newBuilder().setPageSize(1000).build())
            .getDataSetsList()
            .stream()
            .map(DataSet::getName)
            .toList();
    List<String> paged = new ArrayList<>();
    String token = "";
    do {
      ListDataSetsResponse page =
          stub.listDataSets(
              ListDataSetsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      page.getDataSetsList().forEach(dataSet -> paged.add(dataSet.getName()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(all).hasSizeGreaterThan(4).contains("carbon-intensity/PJM.csv");
    assertThat(paged).containsExactlyElementsOf(all);
  }

  @Test
  void get_pathOutsideDataFolder_isInvalidArgumentOnName() {
    for (String name : List.of("../DESIGN.md", "weather/../../DESIGN.md", "/etc/passwd")) {
      StatusRuntimeException failure =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> stub.getDataSet(GetDataSetRequest.newBuilder().setName(name).build()));

      assertThat(failure.getStatus().getCode()).as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(fieldViolations(failure)).as(name).containsExactly("name");
    }
  }

  @Test
  void get_missingFile_isNotFound() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getDataSet(
                    GetDataSetRequest.newBuilder().setName("weather/Nowhere.epw").build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void get_existingFile_returnsItsKindAndSize() {
    DataSet dataSet =
        stub.getDataSet(
            GetDataSetRequest.newBuilder().setName("carbon-intensity/BPAT.csv").build());

    assertThat(dataSet.getKind()).isEqualTo(DataSetKind.DATA_SET_KIND_CARBON_INTENSITY);
    assertThat(dataSet.getFileName()).isEqualTo("BPAT.csv");
    assertThat(dataSet.getSizeBytes()).isPositive();
  }

  @Test
  void list_tokenOfOtherKindOrForged_isInvalidArgument() {
    String weatherToken =
        stub.listDataSets(
                ListDataSetsRequest.newBuilder()
                    .setKind(DataSetKind.DATA_SET_KIND_WEATHER)
                    .setPageSize(1)
                    .build())
            .getNextPageToken();
    String forged =
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("../../etc".getBytes());

    for (String token : List.of(weatherToken, forged)) {
      StatusRuntimeException failure =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  stub.listDataSets(
                      ListDataSetsRequest.newBuilder()
                          .setKind(DataSetKind.DATA_SET_KIND_WORKLOAD)
                          .setPageToken(token)
                          .build()));

      assertThat(failure.getStatus().getCode()).as(token).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(fieldViolations(failure)).as(token).containsExactly("page_token");
    }
  }

  @Test
  void get_fileAtTopOfFolder_isInvalidArgumentLikeAnyOtherName() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.getDataSet(GetDataSetRequest.newBuilder().setName("README.md").build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void list_negativePageSize_isInvalidArgument() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.listDataSets(ListDataSetsRequest.newBuilder().setPageSize(-1).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(failure)).containsExactly("page_size");
  }

  private static List<String> fieldViolations(StatusRuntimeException failure) {
    return StatusProto.fromThrowable(failure).getDetailsList().stream()
        .filter(detail -> detail.is(BadRequest.class))
        .flatMap(
            detail -> {
              try {
                return detail.unpack(BadRequest.class).getFieldViolationsList().stream();
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }
}
