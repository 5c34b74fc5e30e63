package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Orientation;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.mapping.ResourceNames.RevisionName;
import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Redundancy;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.CheckReport;
import io.factorytwin.lifecycle.service.DesignFields;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.DesignView;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.ElementReference;
import io.factorytwin.lifecycle.v1.Finding;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Converts designs, design revisions, elements, edits and findings between the contract and the
 * service's records, and checks each field against the limits its comment in the contract states.
 */
public final class DesignMapper {

  /** The fields of a design that UpdateDesign may replace. */
  static final Set<String> DESIGN_UPDATABLE = Set.of("display_name", "description");

  /** The fields of a design revision that UpdateDesignRevision may replace. */
  static final Set<String> REVISION_UPDATABLE =
      Set.of("site", "halls", "rows", "redundancy_groups", "setpoints", "change_summary");

  /** One segment of an element id: lower-case letters, digits and hyphens, at most 63. */
  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final Pattern PORT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern GRID_REGION = Pattern.compile("[A-Z0-9]{1,16}");
  private static final int MAX_ELEMENT_ID_CHARS = 255;
  private static final int MAX_LABELS = 32;
  private static final int MAX_LABEL_CHARS = 63;

  /** Maximum number of edits in one EditDesignRevision call, as the contract states. */
  public static final int MAX_EDITS = 10_000;

  private DesignMapper() {}

  /** Checks the fields of a design to create; INVALID_ARGUMENT per bad field. */
  public static DesignFields newDesign(Design design, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    PartMapper.checkText(
        design.getDisplayName(),
        prefix + ".display_name",
        PartMapper.MAX_NAME_CHARS,
        true,
        violations);
    PartMapper.checkText(
        design.getDescription(),
        prefix + ".description",
        PartMapper.MAX_TEXT_CHARS,
        false,
        violations);
    throwIfAny(violations);
    return new DesignFields(design.getDisplayName(), design.getDescription());
  }

  /** Checks an UpdateDesign mask and the fields it names; returns the field names to replace. */
  public static Set<String> designMask(FieldMask mask, Design design) {
    Set<String> paths = mask(mask, DESIGN_UPDATABLE);
    List<FieldViolation> violations = new ArrayList<>();
    if (paths.contains("display_name")) {
      PartMapper.checkText(
          design.getDisplayName(),
          "design.display_name",
          PartMapper.MAX_NAME_CHARS,
          true,
          violations);
    }
    if (paths.contains("description")) {
      PartMapper.checkText(
          design.getDescription(),
          "design.description",
          PartMapper.MAX_TEXT_CHARS,
          false,
          violations);
    }
    throwIfAny(violations);
    return paths;
  }

  public static DesignFields updateFields(Design design) {
    return new DesignFields(design.getDisplayName(), design.getDescription());
  }

  /** Checks an UpdateDesignRevision mask; returns the field names to replace. */
  public static Set<String> revisionMask(FieldMask mask) {
    return mask(mask, REVISION_UPDATABLE);
  }

  /** Checks and converts the content of a design revision as a client sent it. */
  public static DesignContent content(DesignRevision revision, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    byte[] site = null;
    if (revision.hasSite()) {
      checkSite(revision.getSite(), prefix + ".site", violations);
      site = revision.getSite().toByteArray();
    }
    List<Area> halls = new ArrayList<>();
    for (int i = 0; i < revision.getHallsCount(); i++) {
      halls.add(hall(revision.getHalls(i), prefix + ".halls[" + i + "]", violations));
    }
    List<Area> rows = new ArrayList<>();
    for (int i = 0; i < revision.getRowsCount(); i++) {
      rows.add(row(revision.getRows(i), prefix + ".rows[" + i + "]", violations));
    }
    List<GroupElement> groups = new ArrayList<>();
    for (int i = 0; i < revision.getRedundancyGroupsCount(); i++) {
      groups.add(
          group(
              revision.getRedundancyGroups(i),
              prefix + ".redundancy_groups[" + i + "]",
              violations));
    }
    Setpoints setpoints = setpoints(revision.getSetpoints(), prefix + ".setpoints", violations);
    PartMapper.checkText(
        revision.getChangeSummary(),
        prefix + ".change_summary",
        PartMapper.MAX_TEXT_CHARS,
        false,
        violations);
    throwIfAny(violations);
    return new DesignContent(site, halls, rows, groups, setpoints, revision.getChangeSummary());
  }

  /**
   * Checks and converts a list of edits; fails with INVALID_ARGUMENT naming each bad field by its
   * index, such as {@code edits[3].upsert_placement.part_revision}.
   */
  public static List<DesignEdit> edits(
      List<io.factorytwin.lifecycle.v1.DesignEdit> edits, boolean required) {
    return edits(edits, required, "edits");
  }

  /**
   * Checks and converts a list of edits sent in the given field, such as {@code
   * change_notice.edits}; violations name each bad edit as {@code field[index]}.
   */
  public static List<DesignEdit> edits(
      List<io.factorytwin.lifecycle.v1.DesignEdit> edits, boolean required, String field) {
    if (required && edits.isEmpty()) {
      throw new InvalidArgumentException(field, "required; send 1 to " + MAX_EDITS + " edits");
    }
    if (edits.size() > MAX_EDITS) {
      throw new InvalidArgumentException(
          field,
          "has "
              + edits.size()
              + " edits; at most "
              + MAX_EDITS
              + " are allowed, so send larger changes in several calls");
    }
    List<FieldViolation> violations = new ArrayList<>();
    List<DesignEdit> converted = new ArrayList<>(edits.size());
    for (int i = 0; i < edits.size(); i++) {
      DesignEdit edit = edit(edits.get(i), field + "[" + i + "]", violations);
      if (edit != null) {
        converted.add(edit);
      }
    }
    throwIfAny(violations);
    return converted;
  }

  private static DesignEdit edit(
      io.factorytwin.lifecycle.v1.DesignEdit edit, String path, List<FieldViolation> violations) {
    return switch (edit.getEditCase()) {
      case UPSERT_HALL -> {
        String at = path + ".upsert_hall";
        yield new DesignEdit.UpsertHall(at, hall(edit.getUpsertHall(), at, violations));
      }
      case REMOVE_HALL ->
          new DesignEdit.RemoveHall(
              path + ".remove_hall",
              elementId(edit.getRemoveHall(), path + ".remove_hall", violations));
      case UPSERT_ROW -> {
        String at = path + ".upsert_row";
        yield new DesignEdit.UpsertRow(at, row(edit.getUpsertRow(), at, violations));
      }
      case REMOVE_ROW ->
          new DesignEdit.RemoveRow(
              path + ".remove_row",
              elementId(edit.getRemoveRow(), path + ".remove_row", violations));
      case UPSERT_PLACEMENT -> {
        String at = path + ".upsert_placement";
        PlacementElement placement = placement(edit.getUpsertPlacement(), at, violations);
        yield placement == null ? null : new DesignEdit.UpsertPlacement(at, placement);
      }
      case REMOVE_PLACEMENT ->
          new DesignEdit.RemovePlacement(
              path + ".remove_placement",
              elementId(edit.getRemovePlacement(), path + ".remove_placement", violations));
      case UPSERT_CONNECTION -> {
        String at = path + ".upsert_connection";
        yield new DesignEdit.UpsertConnection(
            at, connection(edit.getUpsertConnection(), at, violations));
      }
      case REMOVE_CONNECTION ->
          new DesignEdit.RemoveConnection(
              path + ".remove_connection",
              elementId(edit.getRemoveConnection(), path + ".remove_connection", violations));
      case UPSERT_REDUNDANCY_GROUP -> {
        String at = path + ".upsert_redundancy_group";
        yield new DesignEdit.UpsertGroup(
            at, group(edit.getUpsertRedundancyGroup(), at, violations));
      }
      case REMOVE_REDUNDANCY_GROUP ->
          new DesignEdit.RemoveGroup(
              path + ".remove_redundancy_group",
              elementId(
                  edit.getRemoveRedundancyGroup(), path + ".remove_redundancy_group", violations));
      case REPLACE_SITE -> {
        String at = path + ".replace_site";
        checkSite(edit.getReplaceSite(), at, violations);
        yield new DesignEdit.ReplaceSite(at, edit.getReplaceSite().toByteArray());
      }
      case UPDATE_SETPOINTS -> {
        String at = path + ".update_setpoints";
        yield new DesignEdit.UpdateSetpoints(
            at, setpoints(edit.getUpdateSetpoints(), at, violations));
      }
      case SUBSTITUTE_PART -> {
        String at = path + ".substitute_part";
        PartRef from =
            partRef(
                edit.getSubstitutePart().getFromPartRevision(),
                at + ".from_part_revision",
                violations);
        PartRef to =
            partRef(
                edit.getSubstitutePart().getToPartRevision(), at + ".to_part_revision", violations);
        yield from == null || to == null ? null : new DesignEdit.SubstitutePart(at, from, to);
      }
      case EDIT_NOT_SET -> {
        violations.add(new FieldViolation(path, "no edit set; set one field of the edit"));
        yield null;
      }
    };
  }

  private static Area hall(Hall hall, String path, List<FieldViolation> violations) {
    String id = hall.getId();
    if (segments(id, path + ".id", violations) != 1 && !id.isEmpty()) {
      violations.add(new FieldViolation(path + ".id", "a hall id is one segment, such as hall-1"));
    }
    PartMapper.checkText(
        hall.getDisplayName(),
        path + ".display_name",
        PartMapper.MAX_NAME_CHARS,
        false,
        violations);
    checkPosition(hall.getPosition(), path + ".position", violations);
    checkOrientation(hall.getOrientation(), path + ".orientation", violations);
    return new Area(id, hall.toByteArray());
  }

  private static Area row(Row row, String path, List<FieldViolation> violations) {
    String id = row.getId();
    if (segments(id, path + ".id", violations) != 2 && !id.isEmpty()) {
      violations.add(
          new FieldViolation(
              path + ".id",
              "a row id is its hall id, a dot and one segment, such as hall-1.row-03"));
    }
    PartMapper.checkText(
        row.getDisplayName(), path + ".display_name", PartMapper.MAX_NAME_CHARS, false, violations);
    checkPosition(row.getPosition(), path + ".position", violations);
    checkOrientation(row.getOrientation(), path + ".orientation", violations);
    return new Area(id, row.toByteArray());
  }

  private static PlacementElement placement(
      io.factorytwin.common.v1.Placement placement, String path, List<FieldViolation> violations) {
    String id = placement.getId();
    segments(id, path + ".id", violations);
    PartRef part = partRef(placement.getPartRevision(), path + ".part_revision", violations);
    PartMapper.checkText(
        placement.getDisplayName(),
        path + ".display_name",
        PartMapper.MAX_NAME_CHARS,
        false,
        violations);
    checkPosition(placement.getPosition(), path + ".position", violations);
    checkOrientation(placement.getOrientation(), path + ".orientation", violations);
    if (placement.getLabelsCount() > MAX_LABELS) {
      violations.add(
          new FieldViolation(
              path + ".labels",
              "has " + placement.getLabelsCount() + " entries; at most " + MAX_LABELS));
    }
    for (Map.Entry<String, String> label : placement.getLabelsMap().entrySet()) {
      if (label.getKey().isEmpty()
          || label.getKey().length() > MAX_LABEL_CHARS
          || label.getValue().length() > MAX_LABEL_CHARS) {
        violations.add(
            new FieldViolation(
                path + ".labels",
                "label keys are 1 to "
                    + MAX_LABEL_CHARS
                    + " characters and values at most "
                    + MAX_LABEL_CHARS));
        break;
      }
    }
    if (part == null) {
      return null;
    }
    String displayName =
        placement.getDisplayName().isEmpty()
            ? id.substring(id.lastIndexOf('.') + 1)
            : placement.getDisplayName();
    byte[] labels =
        io.factorytwin.common.v1.Placement.newBuilder()
            .putAllLabels(placement.getLabelsMap())
            .build()
            .toByteArray();
    return new PlacementElement(
        id,
        PlacementElement.containerOf(id),
        part,
        displayName,
        placement.getPosition().getXM(),
        placement.getPosition().getYM(),
        placement.getPosition().getZM(),
        placement.getOrientation().getYawDeg(),
        labels);
  }

  private static ConnectionElement connection(
      io.factorytwin.common.v1.Connection connection,
      String path,
      List<FieldViolation> violations) {
    segments(connection.getId(), path + ".id", violations);
    segments(connection.getSourcePlacement(), path + ".source_placement", violations);
    segments(connection.getTargetPlacement(), path + ".target_placement", violations);
    checkPort(connection.getSourcePort(), path + ".source_port", violations);
    checkPort(connection.getTargetPort(), path + ".target_port", violations);
    PowerPath powerPath = powerPath(connection.getPowerPath());
    if (powerPath == null) {
      violations.add(
          new FieldViolation(
              path + ".power_path", "unknown power path " + connection.getPowerPathValue()));
      powerPath = PowerPath.UNSPECIFIED;
    }
    return new ConnectionElement(
        connection.getId(),
        connection.getSourcePlacement(),
        connection.getSourcePort(),
        connection.getTargetPlacement(),
        connection.getTargetPort(),
        null,
        powerPath);
  }

  private static GroupElement group(
      RedundancyGroup group, String path, List<FieldViolation> violations) {
    segments(group.getId(), path + ".id", violations);
    PartMapper.checkText(
        group.getDisplayName(),
        path + ".display_name",
        PartMapper.MAX_NAME_CHARS,
        false,
        violations);
    Redundancy redundancy =
        switch (group.getRedundancy()) {
          case REDUNDANCY_N -> Redundancy.N;
          case REDUNDANCY_N_PLUS_1 -> Redundancy.N_PLUS_1;
          case REDUNDANCY_2N -> Redundancy.TWO_N;
          case REDUNDANCY_UNSPECIFIED, UNRECOGNIZED -> {
            violations.add(
                new FieldViolation(
                    path + ".redundancy",
                    "required; one of REDUNDANCY_N, REDUNDANCY_N_PLUS_1, REDUNDANCY_2N"));
            yield Redundancy.UNSPECIFIED;
          }
        };
    if (group.getMembersCount() < 2) {
      violations.add(
          new FieldViolation(
              path + ".members",
              "has " + group.getMembersCount() + " members; a group needs at least 2"));
    }
    for (int i = 0; i < group.getMembersCount(); i++) {
      segments(group.getMembers(i), path + ".members[" + i + "]", violations);
    }
    return new GroupElement(
        group.getId(), group.getDisplayName(), redundancy, List.copyOf(group.getMembersList()));
  }

  static Setpoints setpoints(
      OperatingSetpoints setpoints, String path, List<FieldViolation> violations) {
    Double tcs = setpoints.hasTcsSupplyTemperatureC() ? setpoints.getTcsSupplyTemperatureC() : null;
    Double water =
        setpoints.hasFacilityWaterSupplyTemperatureC()
            ? setpoints.getFacilityWaterSupplyTemperatureC()
            : null;
    Double air = setpoints.hasAirSupplyTemperatureC() ? setpoints.getAirSupplyTemperatureC() : null;
    Double pump = setpoints.hasTcsPumpSpeedPercent() ? setpoints.getTcsPumpSpeedPercent() : null;
    checkFinite(tcs, path + ".tcs_supply_temperature_c", violations);
    checkFinite(water, path + ".facility_water_supply_temperature_c", violations);
    checkFinite(air, path + ".air_supply_temperature_c", violations);
    if (pump != null && !(pump >= 0 && pump <= 100)) {
      violations.add(
          new FieldViolation(path + ".tcs_pump_speed_percent", "must be in [0, 100], got " + pump));
    }
    return new Setpoints(tcs, water, air, pump);
  }

  static void checkSite(Site site, String path, List<FieldViolation> violations) {
    PartMapper.checkText(
        site.getDisplayName(), path + ".display_name", PartMapper.MAX_NAME_CHARS, true, violations);
    double latitude = site.getLatitudeDeg();
    if (!(latitude >= -90 && latitude <= 90)) {
      violations.add(
          new FieldViolation(path + ".latitude_deg", "must be in [-90, 90], got " + latitude));
    }
    double longitude = site.getLongitudeDeg();
    if (!(longitude >= -180 && longitude <= 180)) {
      violations.add(
          new FieldViolation(path + ".longitude_deg", "must be in [-180, 180], got " + longitude));
    }
    checkFinite(site.getElevationM(), path + ".elevation_m", violations);
    String weather = site.getWeatherDataSet();
    if (weather.contains("/") || weather.contains("\\") || weather.contains("..")) {
      throw new InvalidArgumentException(
          "PATH_OUTSIDE_DATA_DIR",
          List.of(
              new FieldViolation(
                  path + ".weather_data_set",
                  "must be a file name in the weather folder, such as USA_VA_Leesburg.Exec.epw,"
                      + " without a path")));
    }
    checkPowerSource(site.getPowerSource(), path + ".power_source", violations);
  }

  static void checkPowerSource(
      PowerSource powerSource, String path, List<FieldViolation> violations) {
    String region = powerSource.getGridRegion();
    if (!region.isEmpty() && !GRID_REGION.matcher(region).matches()) {
      violations.add(
          new FieldViolation(
              path + ".grid_region", "must be 1 to 16 upper-case letters and digits, such as PJM"));
    }
    for (int i = 0; i < powerSource.getOnSiteGenerationCount(); i++) {
      OnSiteGeneration generation = powerSource.getOnSiteGeneration(i);
      String at = path + ".on_site_generation[" + i + "]";
      if (generation.getKind() == OnSiteGeneration.Kind.KIND_UNSPECIFIED
          || generation.getKind() == OnSiteGeneration.Kind.UNRECOGNIZED) {
        violations.add(new FieldViolation(at + ".kind", "required; KIND_SOLAR_PV or KIND_WIND"));
      }
      if (!(generation.getCapacityKw() > 0) || Double.isInfinite(generation.getCapacityKw())) {
        violations.add(
            new FieldViolation(
                at + ".capacity_kw",
                "must be a finite number above 0, got " + generation.getCapacityKw()));
      }
      if (generation.hasSystemEfficiencyFraction()) {
        double efficiency = generation.getSystemEfficiencyFraction();
        if (!(efficiency > 0 && efficiency <= 1)) {
          violations.add(
              new FieldViolation(
                  at + ".system_efficiency_fraction", "must be in (0, 1], got " + efficiency));
        }
      }
    }
  }

  private static void checkPosition(
      Position position, String path, List<FieldViolation> violations) {
    checkFinite(position.getXM(), path + ".x_m", violations);
    checkFinite(position.getYM(), path + ".y_m", violations);
    checkFinite(position.getZM(), path + ".z_m", violations);
  }

  private static void checkOrientation(
      Orientation orientation, String path, List<FieldViolation> violations) {
    double yaw = orientation.getYawDeg();
    if (!(yaw >= 0 && yaw < 360)) {
      violations.add(new FieldViolation(path + ".yaw_deg", "must be in [0, 360), got " + yaw));
    }
  }

  private static void checkFinite(Double value, String path, List<FieldViolation> violations) {
    if (value != null && !Double.isFinite(value)) {
      violations.add(new FieldViolation(path, "must be a finite number, got " + value));
    }
  }

  private static void checkPort(String port, String path, List<FieldViolation> violations) {
    if (port.isEmpty()) {
      violations.add(new FieldViolation(path, "required"));
    } else if (!PORT_ID.matcher(port).matches()) {
      violations.add(
          new FieldViolation(
              path, "must be lower-case letters, digits and hyphens, at most 63 characters"));
    }
  }

  /** Checks an element id and returns its number of dot-separated segments, 0 when invalid. */
  private static int segments(String id, String path, List<FieldViolation> violations) {
    if (id.isEmpty()) {
      violations.add(new FieldViolation(path, "required"));
      return 0;
    }
    String[] parts = id.split("\\.", -1);
    boolean valid = id.length() <= MAX_ELEMENT_ID_CHARS;
    for (String part : parts) {
      valid &= SEGMENT.matcher(part).matches();
    }
    if (!valid) {
      violations.add(
          new FieldViolation(
              path,
              "must be segments of lower-case letters, digits and hyphens (at most 63 each)"
                  + " joined by dots, at most "
                  + MAX_ELEMENT_ID_CHARS
                  + " characters, got '"
                  + ResourceNames.clip(id)
                  + "'"));
      return 0;
    }
    return parts.length;
  }

  private static String elementId(String id, String path, List<FieldViolation> violations) {
    segments(id, path, violations);
    return id;
  }

  static PartRef partRef(String name, String path, List<FieldViolation> violations) {
    try {
      RevisionName revision = ResourceNames.revision(name, path);
      return new PartRef(revision.partId(), revision.number());
    } catch (InvalidArgumentException e) {
      violations.addAll(e.violations());
      return null;
    }
  }

  public static Design toProto(DesignView view) {
    io.factorytwin.lifecycle.model.Design design = view.design();
    Design.Builder builder =
        Design.newBuilder()
            .setName(design.name())
            .setDisplayName(design.displayName)
            .setDescription(design.description)
            .setEtag(design.etag())
            .setCreateTime(timestamp(design.createTime))
            .setUpdateTime(timestamp(design.updateTime));
    if (view.latestRevision() != null) {
      builder.setLatestRevision(view.latestRevision());
    }
    if (view.releasedRevision() != null) {
      builder.setReleasedRevision(view.releasedRevision());
    }
    return builder.build();
  }

  public static DesignRevision toProto(DesignRevisionView view) {
    io.factorytwin.lifecycle.model.DesignRevision revision = view.revision();
    DesignContent content = revision.content();
    DesignRevision.Builder builder =
        DesignRevision.newBuilder()
            .setName(revision.name())
            .setRevisionLabel(RevisionLabels.label(revision.revisionNumber))
            .setState(RevisionState.valueOf("REVISION_STATE_" + revision.state.name()))
            .setChangeSummary(revision.changeSummary)
            .setPlacementCount(revision.placementCount)
            .setConnectionCount(revision.connectionCount)
            .setItDesignPowerKw(view.itDesignPowerKw())
            .setAuthor(revision.author)
            .setEtag(revision.etag())
            .setCreateTime(timestamp(revision.createTime))
            .setUpdateTime(timestamp(revision.updateTime));
    try {
      if (content.site() != null) {
        builder.setSite(Site.parseFrom(content.site()));
      }
      for (Area hall : content.halls()) {
        builder.addHalls(Hall.parseFrom(hall.encoded()));
      }
      for (Area row : content.rows()) {
        builder.addRows(Row.parseFrom(row.encoded()));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "stored design content of " + revision.name() + " is unreadable", e);
    }
    for (GroupElement group : content.groups()) {
      builder.addRedundancyGroups(
          RedundancyGroup.newBuilder()
              .setId(group.id())
              .setDisplayName(group.displayName())
              .setRedundancy(redundancy(group.redundancy()))
              .addAllMembers(group.members()));
    }
    Setpoints setpoints = content.setpoints();
    OperatingSetpoints.Builder operating = OperatingSetpoints.newBuilder();
    if (setpoints.tcsSupplyTemperatureC() != null) {
      operating.setTcsSupplyTemperatureC(setpoints.tcsSupplyTemperatureC());
    }
    if (setpoints.facilityWaterSupplyTemperatureC() != null) {
      operating.setFacilityWaterSupplyTemperatureC(setpoints.facilityWaterSupplyTemperatureC());
    }
    if (setpoints.airSupplyTemperatureC() != null) {
      operating.setAirSupplyTemperatureC(setpoints.airSupplyTemperatureC());
    }
    if (setpoints.tcsPumpSpeedPercent() != null) {
      operating.setTcsPumpSpeedPercent(setpoints.tcsPumpSpeedPercent());
    }
    builder.setSetpoints(operating);
    if (revision.changeNotice != null) {
      builder.setChangeNotice(revision.changeNotice);
    }
    if (revision.releaser != null) {
      builder.setReleaser(revision.releaser);
    }
    if (revision.releaseTime != null) {
      builder.setReleaseTime(timestamp(revision.releaseTime));
    }
    return builder.build();
  }

  public static io.factorytwin.common.v1.Placement toProto(PlacementElement placement) {
    io.factorytwin.common.v1.Placement labels;
    try {
      labels = io.factorytwin.common.v1.Placement.parseFrom(placement.labels());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored labels of " + placement.id() + " are unreadable", e);
    }
    return io.factorytwin.common.v1.Placement.newBuilder()
        .setId(placement.id())
        .setContainer(placement.container())
        .setPartRevision(placement.part().name())
        .setDisplayName(placement.displayName())
        .setPosition(
            Position.newBuilder().setXM(placement.xM()).setYM(placement.yM()).setZM(placement.zM()))
        .setOrientation(Orientation.newBuilder().setYawDeg(placement.yawDeg()))
        .putAllLabels(labels.getLabelsMap())
        .build();
  }

  public static io.factorytwin.common.v1.Connection toProto(ConnectionElement connection) {
    return io.factorytwin.common.v1.Connection.newBuilder()
        .setId(connection.id())
        .setSourcePlacement(connection.sourcePlacement())
        .setSourcePort(connection.sourcePort())
        .setTargetPlacement(connection.targetPlacement())
        .setTargetPort(connection.targetPort())
        .setDomain(
            io.factorytwin.common.v1.PortDomain.valueOf("PORT_DOMAIN_" + connection.domain()))
        .setPowerPath(
            io.factorytwin.common.v1.PowerPath.valueOf("POWER_PATH_" + connection.powerPath()))
        .build();
  }

  public static CheckDesignResponse toProto(CheckReport report) {
    CheckDesignResponse.Builder builder =
        CheckDesignResponse.newBuilder()
            .setPassed(report.passed())
            .setErrorCount(report.errorCount())
            .setWarningCount(report.warningCount())
            .setInfoCount(report.infoCount())
            .setFindingsTruncated(report.truncated());
    for (io.factorytwin.lifecycle.service.Finding finding : report.findings()) {
      builder.addFindings(
          Finding.newBuilder()
              .setSeverity(Finding.Severity.valueOf("SEVERITY_" + finding.severity().name()))
              .setElement(reference(finding.element()))
              .setRule(finding.rule())
              .setMessage(finding.message())
              .addAllRelatedElements(
                  finding.related().stream().map(DesignMapper::reference).toList()));
    }
    return builder.build();
  }

  static ElementReference reference(io.factorytwin.lifecycle.service.Finding.Element element) {
    return ElementReference.newBuilder()
        .setKind(ElementReference.Kind.valueOf("KIND_" + element.kind().name()))
        .setId(element.id())
        .build();
  }

  /** Returns the domain of a contract port domain; null for unspecified or unknown values. */
  static PortDomain domain(io.factorytwin.common.v1.PortDomain domain) {
    return switch (domain) {
      case PORT_DOMAIN_UNSPECIFIED, UNRECOGNIZED -> null;
      default -> PortDomain.valueOf(domain.name().substring("PORT_DOMAIN_".length()));
    };
  }

  /** Returns the power path of a contract power path; null for an unknown value. */
  static PowerPath powerPath(io.factorytwin.common.v1.PowerPath path) {
    return switch (path) {
      case POWER_PATH_UNSPECIFIED -> PowerPath.UNSPECIFIED;
      case POWER_PATH_A -> PowerPath.A;
      case POWER_PATH_B -> PowerPath.B;
      case UNRECOGNIZED -> null;
    };
  }

  private static io.factorytwin.common.v1.Redundancy redundancy(Redundancy redundancy) {
    return switch (redundancy) {
      case UNSPECIFIED -> io.factorytwin.common.v1.Redundancy.REDUNDANCY_UNSPECIFIED;
      case N -> io.factorytwin.common.v1.Redundancy.REDUNDANCY_N;
      case N_PLUS_1 -> io.factorytwin.common.v1.Redundancy.REDUNDANCY_N_PLUS_1;
      case TWO_N -> io.factorytwin.common.v1.Redundancy.REDUNDANCY_2N;
    };
  }

  static Set<String> mask(FieldMask mask, Set<String> updatable) {
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
    throwIfAny(violations);
    return paths;
  }

  static void throwIfAny(List<FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
