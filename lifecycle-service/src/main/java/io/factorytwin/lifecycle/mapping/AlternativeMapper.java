package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartSubstitution;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.AlternativeFields;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts alternatives between the contract and the service's records, and checks the fields a
 * client writes against the limits the contract states.
 */
public final class AlternativeMapper {

  /** The fields of an alternative that UpdateAlternative may replace. */
  public static final Set<String> UPDATABLE =
      Set.of(
          "display_name",
          "description",
          "base_revision",
          "site",
          "power_source",
          "part_substitutions",
          "setpoints");

  private AlternativeMapper() {}

  /**
   * Checks and converts the writable fields of an alternative sent in the given request field, and
   * fails with INVALID_ARGUMENT per bad field. Fields outside the mask are not checked.
   */
  public static AlternativeFields fields(Alternative alternative, String prefix, Set<String> mask) {
    List<FieldViolation> violations = new ArrayList<>();
    if (mask.contains("display_name")) {
      PartMapper.checkText(
          alternative.getDisplayName(),
          prefix + ".display_name",
          PartMapper.MAX_NAME_CHARS,
          true,
          violations);
    }
    if (mask.contains("description")) {
      PartMapper.checkText(
          alternative.getDescription(),
          prefix + ".description",
          PartMapper.MAX_TEXT_CHARS,
          false,
          violations);
    }

    byte[] site = null;
    if (alternative.hasSite() && mask.contains("site")) {
      DesignMapper.checkSite(alternative.getSite(), prefix + ".site", violations);
      site = alternative.getSite().toByteArray();
    }

    byte[] powerSource = null;
    if (alternative.hasPowerSource() && mask.contains("power_source")) {
      DesignMapper.checkPowerSource(
          alternative.getPowerSource(), prefix + ".power_source", violations);
      powerSource = alternative.getPowerSource().toByteArray();
    }

    List<PartSubstitution> substitutions = new ArrayList<>();
    if (mask.contains("part_substitutions")) {
      Set<PartRef> replaced = new HashSet<>();
      for (int i = 0; i < alternative.getPartSubstitutionsCount(); i++) {
        var substitution = alternative.getPartSubstitutions(i);
        String path = prefix + ".part_substitutions[" + i + "]";
        PartRef from =
            DesignMapper.partRef(
                substitution.getFromPartRevision(), path + ".from_part_revision", violations);
        PartRef to =
            DesignMapper.partRef(
                substitution.getToPartRevision(), path + ".to_part_revision", violations);
        if (from != null && !replaced.add(from)) {
          violations.add(
              new FieldViolation(
                  path + ".from_part_revision",
                  from.name() + " is already substituted; send one entry per part revision"));
        }
        if (from != null && to != null) {
          substitutions.add(new PartSubstitution(from, to));
        }
      }
    }

    Setpoints setpoints = Setpoints.NONE;
    if (mask.contains("setpoints")) {
      setpoints =
          DesignMapper.setpoints(alternative.getSetpoints(), prefix + ".setpoints", violations);
    }

    DesignMapper.throwIfAny(violations);
    return new AlternativeFields(
        alternative.getDisplayName(),
        alternative.getDescription(),
        site,
        powerSource,
        List.copyOf(substitutions),
        setpoints);
  }

  /** Checks an UpdateAlternative mask and returns the field names to replace. */
  public static Set<String> mask(FieldMask mask) {
    return DesignMapper.mask(mask, UPDATABLE);
  }

  public static Alternative toProto(io.factorytwin.lifecycle.model.Alternative alternative) {
    Alternative.Builder builder =
        Alternative.newBuilder()
            .setName(alternative.name())
            .setDisplayName(alternative.displayName)
            .setDescription(alternative.description)
            .setBaseRevision(alternative.baseRevision)
            .setAuthor(alternative.author)
            .setEtag(alternative.etag())
            .setCreateTime(DesignMapper.timestamp(alternative.createTime))
            .setUpdateTime(DesignMapper.timestamp(alternative.updateTime));
    try {
      if (alternative.site != null) {
        builder.setSite(Site.parseFrom(alternative.site));
      }
      if (alternative.powerSource != null) {
        builder.setPowerSource(PowerSource.parseFrom(alternative.powerSource));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored site of " + alternative.name() + " is unreadable", e);
    }
    for (PartSubstitution substitution : PartSubstitution.decode(alternative.partSubstitutions)) {
      builder.addPartSubstitutions(
          io.factorytwin.lifecycle.v1.PartSubstitution.newBuilder()
              .setFromPartRevision(substitution.from().name())
              .setToPartRevision(substitution.to().name()));
    }
    Setpoints setpoints = alternative.setpoints();
    if (!setpoints.equals(Setpoints.NONE)) {
      builder.setSetpoints(setpoints(setpoints));
    }
    return builder.build();
  }

  static OperatingSetpoints setpoints(Setpoints setpoints) {
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
    return operating.build();
  }

  /** Describes on-site generation as text, such as "SOLAR_PV 50000 kW". */
  static String generation(List<OnSiteGeneration> generators) {
    List<String> parts = new ArrayList<>();
    for (OnSiteGeneration generator : generators) {
      parts.add(
          generator.getKind().name().substring("KIND_".length())
              + " "
              + ComparisonMapper.format(generator.getCapacityKw())
              + " kW");
    }
    return String.join(", ", parts);
  }
}
