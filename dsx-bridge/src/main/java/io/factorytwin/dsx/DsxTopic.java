package io.factorytwin.dsx;

import java.util.Optional;

/**
 * One DSX Exchange BMS topic, {@code {root}/{publisher}/{Value|Metadata}/{objectType}/{pointType}/
 * {tagPath}}, where the root is {@code BMS/v1} on a real broker (NVIDIA/dsx-exchange,
 * docs/bms-integration.md section 3.1) and the publisher is {@code PUB} for the BMS or an
 * integration's name. The tag path may hold further slashes.
 */
public record DsxTopic(
    String root,
    String publisher,
    String messageType,
    String objectType,
    String pointType,
    String tagPath) {

  /** Publisher segment of everything the BMS itself publishes. */
  public static final String BMS_PUBLISHER = "PUB";

  public static final String VALUE = "Value";
  public static final String METADATA = "Metadata";

  /**
   * Parses a topic under the root; empty when it has fewer segments, another root, an unknown
   * message type or an empty segment.
   */
  public static Optional<DsxTopic> parse(String root, String topic) {
    String prefix = root + "/";
    if (!topic.startsWith(prefix)) {
      return Optional.empty();
    }
    String[] parts = topic.substring(prefix.length()).split("/", 5);
    if (parts.length < 5) {
      return Optional.empty();
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        return Optional.empty();
      }
    }
    if (!parts[1].equals(VALUE) && !parts[1].equals(METADATA)) {
      return Optional.empty();
    }
    return Optional.of(new DsxTopic(root, parts[0], parts[1], parts[2], parts[3], parts[4]));
  }

  /**
   * The topic an integration writes a value to, derived from the BMS metadata topic of the point:
   * publisher {@code PUB} becomes the integration's name, {@code Metadata} becomes {@code Value},
   * and the object type, point type and tag path stay (docs/bms-integration.md section 3.3).
   */
  public DsxTopic integrationValue(String integration) {
    return new DsxTopic(root, integration, VALUE, objectType, pointType, tagPath);
  }

  /** The BMS value topic that carries readings of the point this metadata topic describes. */
  public DsxTopic bmsValue() {
    return new DsxTopic(root, BMS_PUBLISHER, VALUE, objectType, pointType, tagPath);
  }

  /** Object type, point type and tag path: the same for a point's metadata and value topics. */
  public String pointKey() {
    return objectType + "/" + pointType + "/" + tagPath;
  }

  @Override
  public String toString() {
    return String.join("/", root, publisher, messageType, objectType, pointType, tagPath);
  }
}
