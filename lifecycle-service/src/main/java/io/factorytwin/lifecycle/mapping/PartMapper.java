package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.service.PartFields;
import io.factorytwin.lifecycle.service.PartView;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Converts parts and part revisions between the contract and the catalog's records. */
public final class PartMapper {

  static final int MAX_NAME_CHARS = 256;
  static final int MAX_TEXT_CHARS = 4096;

  /** The fields of a part that UpdatePart may replace. */
  static final Set<String> PART_UPDATABLE =
      Set.of("display_name", "manufacturer", "model", "description");

  /** The fields of a part revision that UpdatePartRevision may replace. */
  static final Set<String> REVISION_UPDATABLE =
      Set.of("spec", "ports", "sources", "change_summary");

  private static final String CLASS_PREFIX = "EQUIPMENT_CLASS_";

  private PartMapper() {}

  /** Checks the fields of a part to create and returns them; INVALID_ARGUMENT per bad field. */
  public static PartFields newPart(Part part, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    EquipmentClass equipmentClass = equipmentClass(part, prefix, violations);
    checkText(part.getDisplayName(), prefix + ".display_name", MAX_NAME_CHARS, true, violations);
    checkText(part.getManufacturer(), prefix + ".manufacturer", MAX_NAME_CHARS, false, violations);
    checkText(part.getModel(), prefix + ".model", MAX_NAME_CHARS, false, violations);
    checkText(part.getDescription(), prefix + ".description", MAX_TEXT_CHARS, false, violations);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    return new PartFields(
        part.getDisplayName(),
        equipmentClass,
        part.getManufacturer(),
        part.getModel(),
        part.getDescription());
  }

  /**
   * Checks an UpdatePart mask and the fields it names; returns the field names to replace. Fails
   * with INVALID_ARGUMENT for a mask that names equipment_class or an output-only field.
   */
  public static Set<String> partMask(FieldMask mask, Part part) {
    Set<String> paths = mask(mask, PART_UPDATABLE);
    List<FieldViolation> violations = new ArrayList<>();
    if (paths.contains("display_name")) {
      checkText(part.getDisplayName(), "part.display_name", MAX_NAME_CHARS, true, violations);
    }
    if (paths.contains("manufacturer")) {
      checkText(part.getManufacturer(), "part.manufacturer", MAX_NAME_CHARS, false, violations);
    }
    if (paths.contains("model")) {
      checkText(part.getModel(), "part.model", MAX_NAME_CHARS, false, violations);
    }
    if (paths.contains("description")) {
      checkText(part.getDescription(), "part.description", MAX_TEXT_CHARS, false, violations);
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    return paths;
  }

  /** Returns the part's descriptive fields as sent in an update; the class is not used. */
  public static PartFields updateFields(Part part) {
    return new PartFields(
        part.getDisplayName(),
        null,
        part.getManufacturer(),
        part.getModel(),
        part.getDescription());
  }

  /** Checks an UpdatePartRevision mask; returns the field names to replace. */
  public static Set<String> revisionMask(FieldMask mask) {
    return mask(mask, REVISION_UPDATABLE);
  }

  /** Encodes the content of a revision as sent by a client. */
  public static RevisionContent content(PartRevision revision) {
    List<FieldViolation> violations = new ArrayList<>();
    checkText(
        revision.getChangeSummary(),
        "part_revision.change_summary",
        MAX_TEXT_CHARS,
        false,
        violations);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    return new RevisionContent(
        revision.hasSpec() ? revision.getSpec().toByteArray() : null,
        PartRevision.newBuilder().addAllPorts(revision.getPortsList()).build().toByteArray(),
        PartRevision.newBuilder().addAllSources(revision.getSourcesList()).build().toByteArray(),
        revision.getChangeSummary());
  }

  public static Part toProto(PartView view) {
    io.factorytwin.lifecycle.model.Part part = view.part();
    Part.Builder builder =
        Part.newBuilder()
            .setName(part.name())
            .setDisplayName(part.displayName)
            .setEquipmentClass(
                io.factorytwin.common.v1.EquipmentClass.valueOf(
                    CLASS_PREFIX + part.equipmentClass.name()))
            .setManufacturer(part.manufacturer)
            .setModel(part.model)
            .setDescription(part.description)
            .setEtag(part.etag())
            .setCreateTime(timestamp(part.createTime))
            .setUpdateTime(timestamp(part.updateTime));
    if (view.latestRevision() != null) {
      builder.setLatestRevision(view.latestRevision());
    }
    if (view.releasedRevision() != null) {
      builder.setReleasedRevision(view.releasedRevision());
    }
    return builder.build();
  }

  public static PartRevision toProto(io.factorytwin.lifecycle.model.PartRevision revision) {
    PartRevision.Builder builder =
        PartRevision.newBuilder()
            .setName(revision.name())
            .setRevisionLabel(RevisionLabels.label(revision.revisionNumber))
            .setState(RevisionState.valueOf("REVISION_STATE_" + revision.state.name()))
            .addAllPorts(decodeRevision(revision.ports).getPortsList())
            .addAllSources(decodeRevision(revision.sources).getSourcesList())
            .setChangeSummary(revision.changeSummary)
            .setAuthor(revision.author)
            .setEtag(revision.etag())
            .setCreateTime(timestamp(revision.createTime))
            .setUpdateTime(timestamp(revision.updateTime));
    if (revision.spec != null) {
      builder.setSpec(decodeSpec(revision.spec));
    }
    if (revision.releaser != null) {
      builder.setReleaser(revision.releaser);
    }
    if (revision.releaseTime != null) {
      builder.setReleaseTime(timestamp(revision.releaseTime));
    }
    return builder.build();
  }

  static EquipmentSpec decodeSpec(byte[] spec) {
    try {
      return EquipmentSpec.parseFrom(spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored spec is not an EquipmentSpec", e);
    }
  }

  static PartRevision decodeRevision(byte[] encoded) {
    try {
      return PartRevision.parseFrom(encoded);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored ports or sources are not a PartRevision", e);
    }
  }

  private static EquipmentClass equipmentClass(
      Part part, String prefix, List<FieldViolation> violations) {
    String field = prefix + ".equipment_class";
    io.factorytwin.common.v1.EquipmentClass value = part.getEquipmentClass();
    switch (value) {
      case EQUIPMENT_CLASS_UNSPECIFIED -> violations.add(new FieldViolation(field, "required"));
      case UNRECOGNIZED ->
          violations.add(
              new FieldViolation(
                  field, "unknown equipment class " + part.getEquipmentClassValue()));
      case EQUIPMENT_CLASS_SITE, EQUIPMENT_CLASS_HALL, EQUIPMENT_CLASS_ROW ->
          violations.add(
              new FieldViolation(
                  field,
                  value + " is a container of a design, not a part; pick an equipment class"));
      default -> {
        return EquipmentClass.valueOf(value.name().substring(CLASS_PREFIX.length()));
      }
    }
    return null;
  }

  private static Set<String> mask(FieldMask mask, Set<String> updatable) {
    if (mask.getPathsCount() == 0) {
      throw new InvalidArgumentException(
          "update_mask", "required; name the fields to replace, or '*' for " + updatable);
    }
    Set<String> paths = new LinkedHashSet<>();
    List<FieldViolation> violations = new ArrayList<>();
    for (String path : mask.getPathsList()) {
      if (path.equals("*")) {
        paths.addAll(updatable);
      } else if (updatable.contains(path)) {
        paths.add(path);
      } else {
        violations.add(
            new FieldViolation(
                "update_mask",
                "'"
                    + ResourceNames.clip(path)
                    + "' cannot be updated; the mask takes "
                    + updatable.stream().sorted().toList()
                    + " or '*'"));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    return paths;
  }

  static void checkText(
      String value, String field, int maxChars, boolean required, List<FieldViolation> out) {
    if (required && value.isBlank()) {
      out.add(new FieldViolation(field, "required"));
      return;
    }
    int chars = value.codePointCount(0, value.length());
    if (chars > maxChars) {
      out.add(
          new FieldViolation(
              field, "has " + chars + " characters; at most " + maxChars + " are allowed"));
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
