package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.common.v1.Site;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.TwinModels;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.TwinRevision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A twin revision's nodes and TCS edges, as twin-service returns them, become a model. */
class TwinModelsTest {

  private static final String TWIN = "twins/t1";

  private static Node node(String id, EquipmentClass kind, String part, EquipmentSpec spec) {
    return Node.newBuilder()
        .setName(TWIN + "/nodes/" + id)
        .setEquipmentClass(kind)
        .setPartRevision(part)
        .setSpec(spec)
        .build();
  }

  private static Edge edge(EdgeKind kind, String source, String target, String port) {
    return Edge.newBuilder()
        .setKind(kind)
        .setCoolantLoop(CoolantLoop.COOLANT_LOOP_TCS)
        .setSource(TWIN + "/nodes/" + source)
        .setTarget(TWIN + "/nodes/" + target)
        .setSourcePort(port)
        .setTargetPort(port)
        .build();
  }

  @Test
  void build_twinRevision_racksOnTheirCdu() {
    // Spec values of examples/catalog.yaml (gb200-nvl72, cdu-1350, dry-cooler-2000).
    EquipmentSpec rack =
        EquipmentSpec.newBuilder()
            .setRatedPowerKw(132)
            .setDesignPowerKw(120)
            .setHeatToLiquidFraction(0.9)
            .setRack(RackSpec.newBuilder().setGpuCount(72).setGpuPowerW(1200))
            .build();
    EquipmentSpec cdu = EquipmentSpec.newBuilder().setCoolingCapacityKw(1350).build();
    EquipmentSpec dryCooler =
        EquipmentSpec.newBuilder().setCoolingCapacityKw(2000).setApproachK(7.5).build();
    TwinRevision revision =
        TwinRevision.newBuilder()
            .setName(TWIN + "/revisions/1")
            .setSite(
                Site.newBuilder()
                    .setDisplayName("Seattle")
                    .setLatitudeDeg(47.444)
                    .setLongitudeDeg(-122.314)
                    .setWeatherDataSet("USA_WA_Seattle-Tacoma.epw")
                    .setPowerSource(PowerSource.newBuilder().setGridRegion("BPAT")))
            .setSetpoints(OperatingSetpoints.newBuilder().setTcsSupplyTemperatureC(32))
            .build();
    List<Node> nodes =
        List.of(
            Node.newBuilder().setName(TWIN + "/nodes/site").build(),
            node(
                "dc-1",
                EquipmentClass.EQUIPMENT_CLASS_DRY_COOLER,
                "parts/dc/revisions/a",
                dryCooler),
            node("row-1.cdu-1", EquipmentClass.EQUIPMENT_CLASS_CDU, "parts/cdu/revisions/a", cdu),
            node(
                "row-1.rack-1",
                EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM,
                "parts/r/revisions/a",
                rack),
            node(
                "row-1.rack-2",
                EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM,
                "parts/r/revisions/a",
                rack));
    List<Edge> edges =
        List.of(
            edge(EdgeKind.EDGE_KIND_SUPPLIES_COOLANT, "row-1.cdu-1", "row-1.rack-1", "tcs-supply"),
            edge(EdgeKind.EDGE_KIND_RETURNS_COOLANT, "row-1.rack-1", "row-1.cdu-1", "tcs-return"));

    FacilityModel model = TwinModels.build(TWIN + "/revisions/1", revision, nodes, edges);

    assertThat(model.racks()).hasSize(2);
    assertThat(model.racks().get(0).cduIndex()).isZero();
    assertThat(model.racksWithoutCdu()).containsExactly("row-1.rack-2");
    assertThat(model.plant().heatRejectionKind())
        .isEqualTo(FacilityModel.HeatRejectionKind.DRY_COOLER);
    assertThat(model.plant().heatRejectionApproachK()).isEqualTo(7.5);
    assertThat(model.setpoints().tcsSupplyC()).isEqualTo(32);
    assertThat(model.site().carbonDataSet()).isEqualTo("BPAT.csv");
    assertThat(model.racks().get(1).designPowerW()).isEqualTo(120_000);
  }
}
