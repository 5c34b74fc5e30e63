package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsxPayloadsTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void topic_parseAndDeriveIntegrationTopic() {
    DsxTopic topic =
        DsxTopic.parse(
                "BMS/v1", "BMS/v1/PUB/Metadata/CDU/LiquidTemperatureSpRequest/site1/row3/cdu5")
            .orElseThrow();
    assertThat(topic.tagPath()).isEqualTo("site1/row3/cdu5");
    assertThat(topic.integrationValue("MEPAI").toString())
        .isEqualTo("BMS/v1/MEPAI/Value/CDU/LiquidTemperatureSpRequest/site1/row3/cdu5");
    assertThat(DsxTopic.parse("BMS/v1", "BMS/v1/PUB/Value/CDU")).isEmpty();
    assertThat(DsxTopic.parse("BMS/v1", "BMS/v1/PUB/Other/CDU/X/tag")).isEmpty();
    assertThat(DsxTopic.parse("BMS/v1", "BMS/v1/PUB/Value/CDU//tag")).isEmpty();
  }

  @Test
  void value_qualityAndNullReadings() throws Exception {
    DsxPayloads.Value good =
        DsxPayloads.parseValue(bytes("{\"value\":22.9,\"timestamp\":1743620423000,\"quality\":1}"));
    assertThat(good.good()).isTrue();
    assertThat(good.timestampMs()).isEqualTo(1743620423000L);
    assertThat(
            DsxPayloads.parseValue(bytes("{\"value\":22.9,\"timestamp\":1,\"quality\":0}")).good())
        .isFalse();
    assertThat(
            DsxPayloads.parseValue(bytes("{\"value\":null,\"timestamp\":1,\"quality\":1}")).good())
        .isFalse();
    assertThatThrownBy(
            () -> DsxPayloads.parseValue(bytes("{\"value\":\"22\",\"timestamp\":1,\"quality\":1}")))
        .isInstanceOf(DsxPayloads.MalformedPayloadException.class);
    assertThatThrownBy(
            () -> DsxPayloads.parseValue(bytes("{\"value\":1,\"timestamp\":1.5,\"quality\":1}")))
        .isInstanceOf(DsxPayloads.MalformedPayloadException.class);
    assertThatThrownBy(() -> DsxPayloads.parseValue(bytes("[1,2]")))
        .isInstanceOf(DsxPayloads.MalformedPayloadException.class);
  }

  @Test
  void metadata_idFromRackObjectOrAssociate() throws Exception {
    assertThat(
            DsxPayloads.parseMetadata(bytes("{\"rackLocationId\":\"R1\",\"engUnit\":\"kW\"}")).id())
        .isEqualTo("R1");
    DsxPayloads.Metadata meter =
        DsxPayloads.parseMetadata(
            bytes("{\"objectId\":\"PM1\",\"servesId\":[\"R1\",\"R2\"],\"processArea\":\"Main\"}"));
    assertThat(meter.id()).isEqualTo("PM1");
    assertThat(meter.servesId()).containsExactly("R1", "R2");
    assertThat(meter.processArea()).containsExactly("Main");
    assertThat(DsxPayloads.parseMetadata(bytes("{\"associateId\":\"UPS-1\"}")).id())
        .isEqualTo("UPS-1");
  }

  @Test
  void processArea_joinedAsTwinNamesIt() {
    assertThat(DsxBridge.processArea(List.of("Secondary", "Supply"))).isEqualTo("secondary-supply");
    assertThat(DsxBridge.processArea(List.of("PrimaryReturn"))).isEqualTo("primary-return");
    assertThat(DsxBridge.processArea(List.of())).isEmpty();
  }

  @Test
  void units_convertWithoutEquipmentData() {
    assertThat(Units.conversion("°F", "C").applyAsDouble(212)).isEqualTo(100.0);
    assertThat(Units.conversion("W", "kW").applyAsDouble(1500)).isEqualTo(1.5);
    assertThat(Units.conversion("GPM", "LPM").applyAsDouble(1)).isEqualTo(3.785411784);
    assertThat(Units.conversion("C", "C").applyAsDouble(30)).isEqualTo(30.0);
    assertThat(Units.conversion("RPM", "%")).isNull();
    assertThat(Units.conversion("kW", "C")).isNull();
  }
}
