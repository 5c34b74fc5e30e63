package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.common.v1.ChillerSpec;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.PumpSpec;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.Interlock;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Guardrails derived from part specs. The rack values are those of the GB200 NVL72 in
 * examples/catalog.yaml, where each carries its source; the other specs are test values.
 */
class GuardrailDefaultsTest {

  private static final String TWIN = "twins/t";
  private static final GuardrailDefaults.Options OPTIONS =
      new GuardrailDefaults.Options("W32", 1.0, 10.0);

  private final Map<String, Node> nodes = new TreeMap<>();
  private final List<Point> points = new ArrayList<>();

  @Test
  void tcsSupply_gpuLimitBoundsMax() {
    hall();

    Guardrail tcs = derive().get("liquid-temperature-sp-secondary-supply");

    assertThat(tcs.getPointPattern())
        .isEqualTo(TWIN + "/points/*.liquid-temperature-sp.secondary-supply");
    assertThat(tcs.getMinValue()).isEqualTo(20);
    // 87 C - 1,200 W x 0.03 K/W - 9.6 K = 41.4 C, below the CDU's 45 C.
    assertThat(tcs.getMaxValue()).isCloseTo(41.4, within(1e-9));
    assertThat(tcs.getSafeDefaultValue()).isEqualTo(30);
    assertThat(tcs.getMaxRatePerMinute()).isEqualTo(1.0);
    assertThat(tcs.getInterlocksList()).hasSize(1);
    assertThat(tcs.getInterlocks(0).getDewPoint().getMarginK()).isEqualTo(2.0);
    assertThat(tcs.getDescription()).contains("parts/gb200/revisions/a").contains("41.4 C");
  }

  @Test
  void pumpSpeed_twoRevisions_guardrailPerPoint() {
    hall();

    Map<String, Guardrail> derived = derive();

    Guardrail cdu = derived.get("hall-1-cdu-1-pump-speed-sp");
    Guardrail pump = derived.get("pump-1-pump-speed-sp");
    assertThat(derived).doesNotContainKey("pump-speed-sp");
    assertThat(cdu.getPointPattern()).isEqualTo(TWIN + "/points/hall-1.cdu-1.pump-speed-sp");
    assertThat(cdu.getMinValue()).isEqualTo(30);
    assertThat(cdu.getMaxValue()).isEqualTo(100);
    assertThat(cdu.getMaxRatePerMinute()).isEqualTo(10.0);
    assertThat(cdu.getInterlocks(0).getMinimumFlow().getMinFlowLpm()).isEqualTo(400);
    assertThat(pump.getMinValue()).isEqualTo(40);
    assertThat(pump.getInterlocks(0).getMinimumFlow().getMinFlowLpm()).isEqualTo(2000);
  }

  @Test
  void chiller_curveRange_leavesInterlockLimitsToSpec() {
    hall();

    Guardrail chiller = derive().get("chiller-1-liquid-temperature-sp-supply");

    assertThat(chiller.getMinValue()).isEqualTo(5);
    assertThat(chiller.getMaxValue()).isEqualTo(9);
    assertThat(chiller.getInterlocksList())
        .extracting(Interlock::hasChillerCurve)
        .containsExactly(true);
    assertThat(chiller.getInterlocks(0).getChillerCurve().hasMinLeavingTemperatureC()).isFalse();
  }

  @Test
  void missingSpecFields_areSkippedWithTheField() {
    hall();

    GuardrailDefaults.Result result = GuardrailDefaults.derive(TWIN, points, nodes, OPTIONS);

    assertThat(result.skipped())
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("chiller-2")
                    .contains("chiller.min_leaving_chilled_water_temperature_c"));
    assertThat(result.skipped())
        .anySatisfy(
            line -> assertThat(line).contains("dry-cooler-1").contains("supply_temperature_min_c"));
    assertThat(result.guardrails())
        .extracting(GuardrailDefaults.Derived::guardrailId)
        .doesNotContain(
            "chiller-2-liquid-temperature-sp-supply", "dry-cooler-1-liquid-temperature-sp-supply");
  }

  @Test
  void crahSupplyAir_usesAshraeRecommendedEnvelope() {
    hall();

    Guardrail crah = derive().get("air-temperature-sp-supply");

    assertThat(crah.getMinValue()).isEqualTo(18);
    assertThat(crah.getMaxValue()).isEqualTo(27);
  }

  @Test
  void designValueOutsideRange_isSkipped() {
    node(
        "crah-1",
        EquipmentClass.EQUIPMENT_CLASS_CRAH,
        "parts/crah/revisions/a",
        EquipmentSpec.getDefaultInstance());
    setpoint("crah-1", "air-temperature-sp", "supply", "C", 30.0);

    GuardrailDefaults.Result result = GuardrailDefaults.derive(TWIN, points, nodes, OPTIONS);

    assertThat(result.guardrails()).isEmpty();
    assertThat(result.skipped())
        .singleElement()
        .asString()
        .contains("outside the derived range [18, 27]");
  }

  @Test
  void tcsSupply_withoutAnyMinimum_isSkipped() {
    node(
        "cdu-1",
        EquipmentClass.EQUIPMENT_CLASS_CDU,
        "parts/cdu/revisions/a",
        EquipmentSpec.newBuilder().setSupplyTemperatureMaxC(45).build());
    setpoint("cdu-1", "liquid-temperature-sp", "secondary-supply", "C", 30.0);

    GuardrailDefaults.Result result = GuardrailDefaults.derive(TWIN, points, nodes, OPTIONS);

    assertThat(result.guardrails()).isEmpty();
    assertThat(result.skipped()).singleElement().asString().contains("no lowest TCS supply");
  }

  @Test
  void waterClass_bounds() {
    assertThat(GuardrailDefaults.waterClassLimitC("W45")).isEqualTo(45);
    assertThat(GuardrailDefaults.waterClassLimitC("w17")).isEqualTo(17);
    assertThatThrownBy(() -> GuardrailDefaults.waterClassLimitC("W+"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("W+ has no upper limit");
  }

  @Test
  void guardrailId_longText_staysValidAndDistinct() {
    String longer = "hall-1.row-01.some-very-long-placement-name-of-a-pump.pump-speed-sp";
    String other = "hall-1.row-01.some-very-long-placement-name-of-a-pump.pump-speed-sp-2";

    String id = GuardrailDefaults.guardrailId(longer);

    assertThat(id).hasSizeLessThanOrEqualTo(63).matches("[a-z][a-z0-9-]*");
    assertThat(id).isNotEqualTo(GuardrailDefaults.guardrailId(other));
    assertThat(GuardrailDefaults.guardrailId("1st.point")).startsWith("g-");
  }

  /** Adds a CDU, a rack, a facility pump, two chillers, a dry cooler and a CRAH with setpoints. */
  private void hall() {
    node(
        "hall-1.cdu-1",
        EquipmentClass.EQUIPMENT_CLASS_CDU,
        "parts/cdu/revisions/a",
        EquipmentSpec.newBuilder()
            .setSupplyTemperatureMinC(20)
            .setSupplyTemperatureMaxC(45)
            .setPump(pump(30, 400))
            .build());
    node(
        "hall-1.rack-1",
        EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM,
        "parts/gb200/revisions/a",
        EquipmentSpec.newBuilder()
            .setDesignTemperatureRiseK(9.6)
            .setRack(
                RackSpec.newBuilder()
                    .setGpuCount(72)
                    .setGpuPowerW(1200)
                    .setGpuMaxOperatingTemperatureC(87)
                    .setColdPlateThermalResistanceKPerW(0.03))
            .build());
    node(
        "pump-1",
        EquipmentClass.EQUIPMENT_CLASS_PUMP,
        "parts/facility-pump/revisions/a",
        EquipmentSpec.newBuilder().setPump(pump(40, 2000)).build());
    node(
        "chiller-1",
        EquipmentClass.EQUIPMENT_CLASS_CHILLER,
        "parts/chiller/revisions/a",
        EquipmentSpec.newBuilder()
            .setChiller(
                ChillerSpec.newBuilder()
                    .setMinLeavingChilledWaterTemperatureC(5)
                    .setMaxLeavingChilledWaterTemperatureC(9))
            .build());
    node(
        "chiller-2",
        EquipmentClass.EQUIPMENT_CLASS_CHILLER,
        "parts/chiller-no-min/revisions/a",
        EquipmentSpec.newBuilder()
            .setChiller(ChillerSpec.newBuilder().setMaxLeavingChilledWaterTemperatureC(9))
            .build());
    node(
        "dry-cooler-1",
        EquipmentClass.EQUIPMENT_CLASS_DRY_COOLER,
        "parts/dry-cooler/revisions/a",
        EquipmentSpec.newBuilder().setApproachK(7.5).build());
    node(
        "crah-1",
        EquipmentClass.EQUIPMENT_CLASS_CRAH,
        "parts/crah/revisions/a",
        EquipmentSpec.getDefaultInstance());
    setpoint("hall-1.cdu-1", "liquid-temperature-sp", "secondary-supply", "C", 30.0);
    setpoint("hall-1.cdu-1", "pump-speed-sp", "", "%", 70.0);
    setpoint("pump-1", "pump-speed-sp", "", "%", 100.0);
    setpoint("chiller-1", "liquid-temperature-sp", "supply", "C", 7.0);
    setpoint("chiller-2", "liquid-temperature-sp", "supply", "C", 7.0);
    setpoint("dry-cooler-1", "liquid-temperature-sp", "supply", "C", 25.0);
    setpoint("crah-1", "air-temperature-sp", "supply", "C", 24.0);
  }

  private static PumpSpec pump(double minSpeedPercent, double minFlowLpm) {
    return PumpSpec.newBuilder()
        .setDesignFlowLpm(3000)
        .setDesignPowerKw(10)
        .setMinSpeedPercent(minSpeedPercent)
        .setMinFlowLpm(minFlowLpm)
        .build();
  }

  private void node(String id, EquipmentClass equipment, String partRevision, EquipmentSpec spec) {
    String name = TWIN + "/nodes/" + id;
    nodes.put(
        name,
        Node.newBuilder()
            .setName(name)
            .setEquipmentClass(equipment)
            .setPartRevision(partRevision)
            .setSpec(spec)
            .build());
  }

  private void setpoint(String node, String type, String area, String unit, double designValue) {
    String suffix = area.isEmpty() ? type : type + "." + area;
    points.add(
        Point.newBuilder()
            .setName(TWIN + "/points/" + node + "." + suffix)
            .setNode(TWIN + "/nodes/" + node)
            .setPointType(type)
            .setProcessArea(area)
            .setKind(Point.Kind.KIND_SETPOINT)
            .setUnit(unit)
            .setDefaultValue(designValue)
            .build());
  }

  private Map<String, Guardrail> derive() {
    return GuardrailDefaults.derive(TWIN, points, nodes, OPTIONS).guardrails().stream()
        .collect(
            Collectors.toMap(
                GuardrailDefaults.Derived::guardrailId, GuardrailDefaults.Derived::guardrail));
  }
}
