package io.factorytwin.lifecycle.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.common.v1.EfficiencyPoint;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Redundancy;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartSubstitution;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.UsdExportSource;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the stage of a small hand-built revision with the cases that the reference hall lacks: ids
 * that collide or start with a digit, a yaw, labels and a deleted part revision. It also has a
 * network connection, an efficiency curve, and an alternative that replaces the site and changes
 * setpoints.
 */
class UsdStageWriterTest {

  private static final PartRef UPS = new PartRef("ups-500", 1);
  private static final PartRef SWITCH = new PartRef("switch-1", 1);
  private static final PartRef DELETED = new PartRef("gone", 2);

  /** Where the parser check of {@code bin/factory test} reads the stage. */
  static final Path STAGE_FILE = Path.of("target", "usd", "edge-cases.usda");

  private static String stage(boolean withAlternatives) throws IOException {
    DesignRevision revision = new DesignRevision();
    revision.designId = "edge-hall";
    revision.revisionNumber = 1;
    revision.version = 1;
    revision.createTime = Instant.EPOCH;
    revision.apply(
        new DesignContent(
            Site.newBuilder()
                .setDisplayName("Zürich \"Nord\"\nHalle\\2")
                .setLatitudeDeg(47.45)
                .setLongitudeDeg(0)
                .setPowerSource(
                    PowerSource.newBuilder()
                        .setGridRegion("CH")
                        .addOnSiteGeneration(
                            OnSiteGeneration.newBuilder()
                                .setKind(OnSiteGeneration.Kind.KIND_SOLAR_PV)
                                .setCapacityKw(500)))
                .build()
                .toByteArray(),
            List.of(
                new Area(
                    "hall-1",
                    Hall.newBuilder()
                        .setId("hall-1")
                        .setPosition(Position.newBuilder().setXM(100))
                        .build()
                        .toByteArray())),
            List.of(
                new Area("hall-1.03", Row.newBuilder().setId("hall-1.03").build().toByteArray())),
            List.of(),
            new Setpoints(30.0, null, null, null),
            ""));

    List<PlacementElement> placements =
        List.of(
            placement("hall-1", UPS, 0, Map.of()),
            placement("hall-1.03.rack-1", DELETED, 90, Map.of("asset-tag", "A 17", "b", "2")),
            placement("hall-1.switch", SWITCH, 0, Map.of()));
    List<ConnectionElement> connections =
        List.of(
            new ConnectionElement(
                "c1",
                "hall-1",
                "out",
                "hall-1.03.rack-1",
                "in",
                PortDomain.ELECTRICAL,
                PowerPath.UNSPECIFIED),
            new ConnectionElement(
                "c2",
                "hall-1.switch",
                "p1",
                "hall-1.03.rack-1",
                "nic",
                PortDomain.NETWORK,
                PowerPath.UNSPECIFIED));
    EquipmentSpec upsSpec =
        EquipmentSpec.newBuilder()
            .setRatedPowerKw(500)
            .setInternalRedundancy(Redundancy.REDUNDANCY_N_PLUS_1)
            .addEfficiencyCurve(
                EfficiencyPoint.newBuilder().setLoadFraction(0.25).setEfficiencyFraction(0.94))
            .addEfficiencyCurve(
                EfficiencyPoint.newBuilder().setLoadFraction(1).setEfficiencyFraction(0.97))
            .build();

    Alternative north = new Alternative();
    north.alternativeId = "north";
    north.displayName = "North";
    north.description = "";
    north.baseRevision = "designs/edge-hall/revisions/a";
    north.site =
        Site.newBuilder()
            .setDisplayName("Luleå")
            .setLatitudeDeg(65.58)
            .setLongitudeDeg(22.15)
            .build()
            .toByteArray();
    north.partSubstitutions = PartSubstitution.encode(List.of(new PartSubstitution(UPS, SWITCH)));
    north.setSetpoints(new Setpoints(null, 25.0, null, null));

    UsdExportSource source =
        new UsdExportSource(
            new DesignRevisionView(revision, 0),
            placements,
            connections,
            Map.of(
                UPS, new UsdExportSource.UsedPart(EquipmentClass.UPS, upsSpec.toByteArray()),
                SWITCH, new UsdExportSource.UsedPart(EquipmentClass.SENSOR, null)),
            List.of(north));
    StringWriter out = new StringWriter();
    UsdStageWriter.write(source, withAlternatives, out);
    return out.toString();
  }

  private static PlacementElement placement(
      String id, PartRef part, double yawDeg, Map<String, String> labels) {
    return new PlacementElement(
        id,
        PlacementElement.containerOf(id),
        part,
        id.substring(id.lastIndexOf('.') + 1),
        1.5,
        0,
        0,
        yawDeg,
        Placement.newBuilder().putAllLabels(labels).build().toByteArray());
  }

  @Test
  void stage_namesCollidingAndDigitIds() throws IOException {
    String stage = stage(false);

    assertThat(stage)
        .contains(
            "    def Xform \"hall_1\"\n    {\n        custom string factorytwin:id = \"hall-1\"\n        custom token factorytwin:kind = \"hall\"\n");
    assertThat(stage)
        .contains(
            "    def Xform \"hall_1_2\"\n    {\n        custom string factorytwin:id = \"hall-1\"\n        custom token factorytwin:kind = \"equipment\"\n");
    assertThat(stage).contains("        def Xform \"_03\"\n");
    assertThat(stage).contains("            def Xform \"rack_1\"\n");
    assertThat(stage).contains("rel factorytwin:feedsPower = [</Site/hall_1/_03/rack_1>]");
    assertThat(stage).contains("rel factorytwin:connectsNetwork = [</Site/hall_1/_03/rack_1>]");
  }

  @Test
  void stage_writesTypedAttributes() throws IOException {
    String stage = stage(false);

    assertThat(stage)
        .contains("custom string factorytwin:displayName = \"Zürich \\\"Nord\\\"\\nHalle\\\\2\"");
    assertThat(stage).contains("custom double factorytwin:longitudeDeg = 0");
    assertThat(stage)
        .contains("custom token[] factorytwin:powerSource:onSiteGeneration:kind = [\"SOLAR_PV\"]");
    assertThat(stage)
        .contains(
            "custom double[] factorytwin:powerSource:onSiteGeneration:systemEfficiencyFraction = [0.85]");
    assertThat(stage).contains("custom double factorytwin:setpoints:tcsSupplyTemperatureC = 30");
    assertThat(stage).doesNotContain("facilityWaterSupplyTemperatureC = ");
    assertThat(stage).contains("custom token factorytwin:internalRedundancy = \"N_PLUS_1\"");
    assertThat(stage)
        .contains("custom double[] factorytwin:efficiencyCurve:loadFraction = [0.25, 1]");
    assertThat(stage)
        .contains("custom double[] factorytwin:efficiencyCurve:efficiencyFraction = [0.94, 0.97]");
    assertThat(stage).contains("double3 xformOp:translate = (100, 0, 0)");
    assertThat(stage).contains("double3 xformOp:rotateXYZ = (0, 0, 90)");
    assertThat(stage).contains("custom string[] factorytwin:labelKeys = [\"asset-tag\", \"b\"]");
    assertThat(stage).contains("custom string[] factorytwin:labelValues = [\"A 17\", \"2\"]");
    assertThat(stage).contains("custom token factorytwin:equipmentClass = \"SENSOR\"");
  }

  @Test
  void stage_deletedPartHasNoSpec() throws IOException {
    String stage = stage(false);
    String rack = stage.substring(stage.indexOf("def Xform \"rack_1\""));
    rack = rack.substring(0, rack.indexOf('}'));

    assertThat(rack)
        .contains("custom string factorytwin:partRevision = \"parts/gone/revisions/b\"");
    assertThat(rack).doesNotContain("equipmentClass");
    assertThat(rack).doesNotContain("ratedPowerKw");
  }

  @Test
  void stage_alternativeVariant() throws IOException {
    String stage = stage(true);
    String variants = stage.substring(stage.indexOf("    variantSet \"alternative\" = {"));

    assertThat(stage).contains("prepend variantSets = \"alternative\"");
    assertThat(variants).contains("        \"Base\" {\n        }\n        \"north\" {\n");
    assertThat(variants).contains("custom string factorytwin:displayName = \"Luleå\"");
    assertThat(variants).contains("custom string factorytwin:powerSource:gridRegion = \"\"");
    assertThat(variants)
        .contains("custom double[] factorytwin:powerSource:onSiteGeneration:capacityKw = []");
    assertThat(variants)
        .contains("custom double factorytwin:setpoints:facilityWaterSupplyTemperatureC = 25");
    assertThat(variants).doesNotContain("tcsSupplyTemperatureC");
    assertThat(variants)
        .contains(
            "custom string[] factorytwin:alternative:partSubstitutions:from = [\"parts/ups-500/revisions/a\"]");
    assertThat(variants)
        .contains(
            "custom string[] factorytwin:alternative:partSubstitutions:to = [\"parts/switch-1/revisions/a\"]");
    assertThat(variants).doesNotContain("alternative:description");
  }

  @Test
  void stage_sameBytesEveryTime() throws IOException {
    String stage = stage(true);
    // tests/usd/check.sh parses this file with TinyUSDZ as well.
    Files.createDirectories(STAGE_FILE.getParent());
    Files.writeString(STAGE_FILE, stage, StandardCharsets.UTF_8);

    assertThat(stage(true)).isEqualTo(stage);
  }
}
