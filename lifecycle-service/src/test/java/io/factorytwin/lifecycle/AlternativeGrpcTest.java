package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.fieldViolations;
import static io.factorytwin.lifecycle.DesignFixtures.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.CompareAlternativesRequest;
import io.factorytwin.lifecycle.v1.CompareAlternativesResponse;
import io.factorytwin.lifecycle.v1.ComparisonColumn;
import io.factorytwin.lifecycle.v1.ComparisonRow;
import io.factorytwin.lifecycle.v1.ComparisonValue;
import io.factorytwin.lifecycle.v1.CreateAlternativeRequest;
import io.factorytwin.lifecycle.v1.DeleteAlternativeRequest;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.GetAlternativeRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesResponse;
import io.factorytwin.lifecycle.v1.PartSubstitution;
import io.factorytwin.lifecycle.v1.UpdateAlternativeRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class AlternativeGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private DesignFixtures fixtures;

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
    fixtures = new DesignFixtures(channel, jdbcUrl).withReleasedCatalog();
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void alternatives_createGetAndList() {
    DesignRevision a = aHall();

    Alternative texas = create(a, "texas", texasWithSolar());
    Alternative pacific = create(a, "pacific-northwest", pacificNorthwest());
    Alternative fetched =
        fixtures.alice.getAlternative(
            GetAlternativeRequest.newBuilder().setName(texas.getName()).build());
    ListAlternativesResponse all =
        fixtures.alice.listAlternatives(
            ListAlternativesRequest.newBuilder().setParent(designName(a)).build());
    ListAlternativesResponse firstPage =
        fixtures.alice.listAlternatives(
            ListAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .setPageSize(1)
                .setOrderBy("display_name desc")
                .build());
    ListAlternativesResponse filtered =
        fixtures.alice.listAlternatives(
            ListAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .setFilter("display_name = \"Texas with solar\"")
                .build());

    assertThat(texas.getName()).isEqualTo(designName(a) + "/alternatives/texas");
    assertThat(texas.getAuthor()).isEqualTo("alice");
    assertThat(texas.getBaseRevision()).isEqualTo(a.getName());
    assertThat(texas.getSite()).isEqualTo(texasWithSolar().getSite());
    assertThat(texas.hasSetpoints()).isFalse();
    assertThat(pacific.getSetpoints().getTcsSupplyTemperatureC()).isEqualTo(35.0);
    assertThat(pacific.hasSite()).isFalse();
    assertThat(fetched).isEqualTo(texas);
    assertThat(all.getAlternativesList()).containsExactly(pacific, texas);
    assertThat(all.getNextPageToken()).isEmpty();
    assertThat(firstPage.getAlternativesList()).containsExactly(texas);
    assertThat(firstPage.getNextPageToken()).isNotEmpty();
    assertThat(filtered.getAlternativesList()).containsExactly(texas);
  }

  @Test
  void compare_showsExactlyTheDifferingFields() {
    DesignRevision a = aHall();
    Alternative texas = create(a, "texas", texasWithSolar());
    Alternative pacific = create(a, "pacific-northwest", pacificNorthwest());

    CompareAlternativesResponse comparison =
        fixtures.alice.compareAlternatives(
            CompareAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .addAlternatives(texas.getName())
                .addAlternatives(pacific.getName())
                .build());

    assertThat(comparison.getColumnsList())
        .extracting(ComparisonColumn::getSource)
        .containsExactly(a.getName(), texas.getName(), pacific.getName());
    assertThat(comparison.getColumnsList())
        .extracting(ComparisonColumn::getDisplayName)
        .containsExactly("Revision A", "Texas with solar", "Pacific Northwest");
    assertThat(comparison.getRowsList())
        .extracting(ComparisonRow::getAttribute)
        .containsExactly(
            "site.display_name",
            "site.latitude_deg",
            "site.longitude_deg",
            "site.weather_data_set",
            "site.power_source.grid_region",
            "site.power_source.on_site_generation",
            "setpoints.tcs_supply_temperature_c");
    assertThat(comparison.getRowsList()).allMatch(ComparisonRow::getDiffers);
    assertThat(texts(comparison, "site.weather_data_set"))
        .containsExactly(
            "USA_VA_Leesburg.Exec.epw", "USA_TX_Dallas-Fort.Worth.epw", "USA_VA_Leesburg.Exec.epw");
    assertThat(texts(comparison, "site.power_source.grid_region"))
        .containsExactly("", "ERCO", "BPAT");
    assertThat(texts(comparison, "site.power_source.on_site_generation"))
        .containsExactly("", "SOLAR_PV 50000 kW", "");
    ComparisonRow latitude = row(comparison, "site.latitude_deg");
    assertThat(latitude.getUnit()).isEqualTo("°");
    assertThat(latitude.getValuesList())
        .extracting(ComparisonValue::getNumber)
        .containsExactly(39.1, 32.9, 39.1);
    ComparisonRow supply = row(comparison, "setpoints.tcs_supply_temperature_c");
    assertThat(supply.getUnit()).isEqualTo("°C");
    assertThat(supply.getValuesList())
        .extracting(ComparisonValue::hasNumber)
        .containsExactly(false, false, true);
    assertThat(supply.getValues(2).getNumber()).isEqualTo(35.0);
  }

  @Test
  void compare_rackSubstitution_andUnchangedRows() {
    DesignRevision a = aHall();
    String gb300 =
        fixtures.released(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, DesignFixtures.rackSpec());
    create(
        a,
        "gb300",
        Alternative.newBuilder()
            .setDisplayName("GB300 racks")
            .addPartSubstitutions(
                PartSubstitution.newBuilder()
                    .setFromPartRevision(fixtures.rack)
                    .setToPartRevision(gb300)));
    create(a, "same", Alternative.newBuilder().setDisplayName("Same as base"));

    CompareAlternativesResponse racks =
        fixtures.alice.compareAlternatives(
            CompareAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .addAlternatives(designName(a) + "/alternatives/gb300")
                .build());
    CompareAlternativesResponse nothing =
        fixtures.alice.compareAlternatives(
            CompareAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .addAlternatives(designName(a) + "/alternatives/same")
                .build());
    CompareAlternativesResponse everything =
        fixtures.alice.compareAlternatives(
            CompareAlternativesRequest.newBuilder()
                .setParent(designName(a))
                .setIncludeUnchanged(true)
                .build());

    assertThat(racks.getRowsList())
        .extracting(ComparisonRow::getAttribute)
        .containsExactly("rack_system");
    assertThat(texts(racks, "rack_system"))
        .containsExactly(fixtures.rack + " (2 racks)", gb300 + " (2 racks)");
    assertThat(nothing.getColumnsCount()).isEqualTo(2);
    assertThat(nothing.getRowsList()).isEmpty();
    assertThat(everything.getColumnsList())
        .extracting(ComparisonColumn::getDisplayName)
        .containsExactly("Revision A", "GB300 racks", "Same as base");
    assertThat(everything.getRowsList()).hasSize(14);
    assertThat(row(everything, "it_design_power_kw").getValuesList())
        .extracting(ComparisonValue::getNumber)
        .containsExactly(240.0, 240.0, 240.0);
    assertThat(row(everything, "it_design_power_kw").getDiffers()).isFalse();
    assertThat(row(everything, "rack_system").getDiffers()).isTrue();
  }

  @Test
  void create_badInput_isRejectedAndStoresNothing() {
    DesignRevision a = aHall();
    DesignRevision other = fixtures.anEmptyRevision();
    long before = fixtures.count("select count(*) from design_alternative");

    StatusRuntimeException fields =
        fail(
            () ->
                create(
                    a,
                    "bad-fields",
                    Alternative.newBuilder()
                        .setDisplayName("x".repeat(10 * 1024))
                        .setSite(
                            DesignFixtures.aSite().toBuilder()
                                .setLatitudeDeg(100)
                                .setPowerSource(PowerSource.newBuilder().setGridRegion("pjm")))
                        .setPowerSource(
                            PowerSource.newBuilder()
                                .addOnSiteGeneration(
                                    OnSiteGeneration.newBuilder()
                                        .setKind(OnSiteGeneration.Kind.KIND_SOLAR_PV)
                                        .setCapacityKw(-5)))
                        .setSetpoints(
                            OperatingSetpoints.newBuilder()
                                .setTcsPumpSpeedPercent(150)
                                .setAirSupplyTemperatureC(Double.NaN))));
    StatusRuntimeException classes =
        fail(
            () ->
                create(
                    a,
                    "bad-substitution",
                    Alternative.newBuilder()
                        .setDisplayName("rack to CDU")
                        .addPartSubstitutions(
                            PartSubstitution.newBuilder()
                                .setFromPartRevision(fixtures.rack)
                                .setToPartRevision(fixtures.cdu))
                        .addPartSubstitutions(
                            PartSubstitution.newBuilder()
                                .setFromPartRevision(fixtures.ups)
                                .setToPartRevision("parts/no-such-part/revisions/a"))));
    StatusRuntimeException twice =
        fail(
            () ->
                create(
                    a,
                    "twice",
                    Alternative.newBuilder()
                        .setDisplayName("twice")
                        .addPartSubstitutions(
                            PartSubstitution.newBuilder()
                                .setFromPartRevision(fixtures.rack)
                                .setToPartRevision(fixtures.rack))
                        .addPartSubstitutions(
                            PartSubstitution.newBuilder()
                                .setFromPartRevision(fixtures.rack)
                                .setToPartRevision(fixtures.rack))));
    StatusRuntimeException otherDesign =
        fail(
            () ->
                fixtures.alice.createAlternative(
                    CreateAlternativeRequest.newBuilder()
                        .setParent(designName(a))
                        .setAlternativeId("other-base")
                        .setAlternative(
                            Alternative.newBuilder()
                                .setDisplayName("other")
                                .setBaseRevision(other.getName()))
                        .build()));
    StatusRuntimeException missingBase =
        fail(
            () ->
                fixtures.alice.createAlternative(
                    CreateAlternativeRequest.newBuilder()
                        .setParent(designName(a))
                        .setAlternativeId("missing-base")
                        .setAlternative(
                            Alternative.newBuilder()
                                .setDisplayName("missing")
                                .setBaseRevision(designName(a) + "/revisions/z"))
                        .build()));
    create(a, "taken", Alternative.newBuilder().setDisplayName("taken"));
    StatusRuntimeException duplicate =
        fail(() -> create(a, "taken", Alternative.newBuilder().setDisplayName("again")));
    StatusRuntimeException unknownCompared =
        fail(
            () ->
                fixtures.alice.compareAlternatives(
                    CompareAlternativesRequest.newBuilder()
                        .setParent(designName(a))
                        .addAlternatives(designName(a) + "/alternatives/nowhere")
                        .build()));

    assertThat(fields.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(fields))
        .containsExactlyInAnyOrder(
            "alternative.display_name",
            "alternative.site.latitude_deg",
            "alternative.site.power_source.grid_region",
            "alternative.power_source.on_site_generation[0].capacity_kw",
            "alternative.setpoints.air_supply_temperature_c",
            "alternative.setpoints.tcs_pump_speed_percent");
    assertThat(classes.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(classes))
        .containsExactly(
            "alternative.part_substitutions[0].to_part_revision",
            "alternative.part_substitutions[1].to_part_revision");
    assertThat(fieldViolations(twice))
        .containsExactly("alternative.part_substitutions[1].from_part_revision");
    assertThat(fieldViolations(otherDesign)).containsExactly("alternative.base_revision");
    assertThat(missingBase.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(unknownCompared.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(fixtures.count("select count(*) from design_alternative")).isEqualTo(before + 1);
  }

  @Test
  void updateAndDelete_checkTheEtag() {
    DesignRevision a = aHall();
    Alternative pacific = create(a, "pacific-northwest", pacificNorthwest());

    Alternative updated =
        fixtures.alice.updateAlternative(
            UpdateAlternativeRequest.newBuilder()
                .setAlternative(
                    pacific.toBuilder()
                        .setSetpoints(
                            OperatingSetpoints.newBuilder().setFacilityWaterSupplyTemperatureC(30))
                        .setDisplayName("ignored, not in the mask"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("setpoints"))
                .build());
    StatusRuntimeException stale =
        fail(
            () ->
                fixtures.alice.deleteAlternative(
                    DeleteAlternativeRequest.newBuilder()
                        .setName(pacific.getName())
                        .setEtag(pacific.getEtag())
                        .build()));
    StatusRuntimeException badMask =
        fail(
            () ->
                fixtures.alice.updateAlternative(
                    UpdateAlternativeRequest.newBuilder()
                        .setAlternative(updated)
                        .setUpdateMask(FieldMask.newBuilder().addPaths("author"))
                        .build()));
    fixtures.alice.deleteAlternative(
        DeleteAlternativeRequest.newBuilder()
            .setName(updated.getName())
            .setEtag(updated.getEtag())
            .build());
    StatusRuntimeException gone =
        fail(
            () ->
                fixtures.alice.getAlternative(
                    GetAlternativeRequest.newBuilder().setName(pacific.getName()).build()));

    assertThat(updated.getDisplayName()).isEqualTo("Pacific Northwest");
    assertThat(updated.getSetpoints())
        .isEqualTo(OperatingSetpoints.newBuilder().setFacilityWaterSupplyTemperatureC(30).build());
    assertThat(updated.getPowerSource()).isEqualTo(pacific.getPowerSource());
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(reason(stale)).isEqualTo("ETAG_MISMATCH");
    assertThat(fieldViolations(badMask)).containsExactly("update_mask");
    assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  /** Creates a design whose revision A contains the small hall, with the Leesburg site. */
  private DesignRevision aHall() {
    return fixtures.edit(fixtures.anEmptyRevision(), fixtures.aHallWithTwoRacks());
  }

  private Alternative create(DesignRevision base, String id, Alternative.Builder alternative) {
    return fixtures.alice.createAlternative(
        CreateAlternativeRequest.newBuilder()
            .setParent(designName(base))
            .setAlternativeId(id)
            .setAlternative(alternative.setBaseRevision(base.getName()))
            .build());
  }

  private static Alternative.Builder texasWithSolar() {
    return Alternative.newBuilder()
        .setDisplayName("Texas with solar")
        .setSite(
            Site.newBuilder()
                .setDisplayName("Dallas")
                .setLatitudeDeg(32.9)
                .setLongitudeDeg(-97.0)
                .setWeatherDataSet("USA_TX_Dallas-Fort.Worth.epw")
                .setPowerSource(
                    PowerSource.newBuilder()
                        .setGridRegion("ERCO")
                        .addOnSiteGeneration(
                            OnSiteGeneration.newBuilder()
                                .setKind(OnSiteGeneration.Kind.KIND_SOLAR_PV)
                                .setCapacityKw(50_000))));
  }

  private static Alternative.Builder pacificNorthwest() {
    return Alternative.newBuilder()
        .setDisplayName("Pacific Northwest")
        .setPowerSource(PowerSource.newBuilder().setGridRegion("BPAT"))
        .setSetpoints(OperatingSetpoints.newBuilder().setTcsSupplyTemperatureC(35));
  }

  private static ComparisonRow row(CompareAlternativesResponse comparison, String attribute) {
    return comparison.getRowsList().stream()
        .filter(row -> row.getAttribute().equals(attribute))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + attribute));
  }

  private static List<String> texts(CompareAlternativesResponse comparison, String attribute) {
    return row(comparison, attribute).getValuesList().stream()
        .map(ComparisonValue::getText)
        .toList();
  }

  private static String designName(DesignRevision revision) {
    return revision.getName().substring(0, revision.getName().indexOf("/revisions"));
  }
}
