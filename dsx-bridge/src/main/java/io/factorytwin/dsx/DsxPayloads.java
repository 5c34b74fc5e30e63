package io.factorytwin.dsx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the JSON payloads of DSX Exchange (NVIDIA/dsx-exchange,
 * docs/schema-bms-*-value.mdx and docs/schema-bms-*-metadata.mdx). The tree model is used on
 * purpose: it needs no reflection, so the native image needs no registration.
 */
public final class DsxPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The object types the BMS schema defines: the list in docs/bms-integration.md section 4.1, plus
   * BESS, which has its own docs/schema-bms-bess-* files. The guide's "Cooling Tower" is written
   * CoolingTower here, without the space, as in its schema file names (schema-bms-coolingtower-*).
   */
  public static final Set<String> OBJECT_TYPES =
      Set.of(
          "System",
          "Rack",
          "PowerMeter",
          "ATS",
          "Breaker",
          "Generator",
          "Shunt",
          "UPS",
          "BESS",
          "AHU",
          "CDU",
          "Chiller",
          "CoolingTower",
          "CRAC",
          "CRAH",
          "Damper",
          "Fan",
          "HX",
          "Pump",
          "Sensor",
          "Tank",
          "Valve",
          "GenericObject");

  /** Quality flag of a good reading; every other integer marks a value not to trust. */
  public static final int GOOD_QUALITY = 1;

  private DsxPayloads() {}

  /** A payload that is not what the schema describes. */
  public static final class MalformedPayloadException extends Exception {
    MalformedPayloadException(String message) {
      super(message);
    }
  }

  /**
   * A value message.
   *
   * @param value null when the BMS has no valid reading
   * @param timestampMs source event time, epoch milliseconds
   */
  public record Value(Double value, long timestampMs, int quality) {
    public boolean good() {
      return quality == GOOD_QUALITY && value != null;
    }
  }

  /**
   * The fields of a metadata message that the bridge uses.
   *
   * @param id rackLocationId for racks, else objectId, else associateId (associate mode)
   * @param processArea the processArea values in order; empty when absent
   * @param servesId objectIds this equipment serves (power meters: the racks they feed)
   * @param integration the integration that must write this point's value; empty for BMS points
   */
  public record Metadata(
      String id,
      String name,
      String engUnit,
      List<String> processArea,
      List<String> servesId,
      String integration,
      boolean setpoint) {}

  public static Value parseValue(byte[] payload) throws MalformedPayloadException {
    JsonNode root = read(payload);
    JsonNode value = root.get("value");
    JsonNode timestamp = root.get("timestamp");
    JsonNode quality = root.get("quality");
    if (value == null || !(value.isNull() || value.isNumber())) {
      throw new MalformedPayloadException("value must be a number or null");
    }
    if (timestamp == null || !timestamp.canConvertToLong() || !timestamp.isIntegralNumber()) {
      throw new MalformedPayloadException("timestamp must be integer epoch milliseconds");
    }
    if (quality == null || !quality.isIntegralNumber() || !quality.canConvertToInt()) {
      throw new MalformedPayloadException("quality must be an integer");
    }
    return new Value(
        value.isNull() ? null : value.doubleValue(), timestamp.longValue(), quality.intValue());
  }

  public static Metadata parseMetadata(byte[] payload) throws MalformedPayloadException {
    JsonNode root = read(payload);
    String id = text(root, "rackLocationId");
    if (id.isEmpty()) {
      id = text(root, "objectId");
    }
    if (id.isEmpty()) {
      id = text(root, "associateId");
    }
    String name = text(root, "rackLocationName");
    if (name.isEmpty()) {
      name = text(root, "objectName");
    }
    JsonNode setpoint = root.get("isSetpoint");
    return new Metadata(
        id,
        name,
        text(root, "engUnit"),
        strings(root.get("processArea")),
        strings(root.get("servesId")),
        text(root, "integration"),
        setpoint != null && setpoint.asBoolean(false));
  }

  /** A value message: the value, the source time in epoch milliseconds and the quality flag. */
  public static byte[] valueMessage(double value, long timestampMs, int quality) {
    ObjectNode node = JSON.createObjectNode();
    node.put("value", value);
    node.put("timestamp", timestampMs);
    node.put("quality", quality);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a value message whose value is a time in epoch milliseconds, as an integer. */
  public static byte[] timestampMessage(long valueMs, long timestampMs, int quality) {
    ObjectNode node = JSON.createObjectNode();
    node.put("value", valueMs);
    node.put("timestamp", timestampMs);
    node.put("quality", quality);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode read(byte[] payload) throws MalformedPayloadException {
    try {
      JsonNode root = JSON.readTree(payload);
      if (root == null || !root.isObject()) {
        throw new MalformedPayloadException("payload is not a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException("payload is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new MalformedPayloadException("payload cannot be read: " + e.getMessage());
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node != null && node.isTextual() ? node.asText().trim() : "";
  }

  /** An array of strings, or one string, as a list; anything else is empty. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(
          item -> {
            if (item.isTextual()) {
              out.add(item.asText());
            }
          });
    }
    return out;
  }
}
