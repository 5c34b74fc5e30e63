package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.service.ComparisonSubject;
import io.factorytwin.lifecycle.v1.CompareAlternativesResponse;
import io.factorytwin.lifecycle.v1.ComparisonColumn;
import io.factorytwin.lifecycle.v1.ComparisonRow;
import io.factorytwin.lifecycle.v1.ComparisonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the rows of an alternatives comparison from its columns, in the contract's fixed order:
 * site, power source, rack system and other part substitutions, setpoints, then derived figures.
 */
public final class ComparisonMapper {

  /** The effective site of one column, with its power source already replaced. */
  private record Column(ComparisonSubject subject, Site site) {}

  private ComparisonMapper() {}

  public static CompareAlternativesResponse toProto(
      List<ComparisonSubject> subjects, boolean includeUnchanged) {
    CompareAlternativesResponse.Builder response = CompareAlternativesResponse.newBuilder();
    List<Column> columns = new ArrayList<>();
    for (ComparisonSubject subject : subjects) {
      response.addColumns(
          ComparisonColumn.newBuilder()
              .setSource(subject.source())
              .setDisplayName(subject.displayName()));
      columns.add(new Column(subject, effectiveSite(subject)));
    }

    List<ComparisonRow> rows = new ArrayList<>();
    rows.add(text(columns, "site.display_name", column -> siteText(column, Site::getDisplayName)));
    rows.add(
        number(
            columns, "site.latitude_deg", "°", column -> siteNumber(column, Site::getLatitudeDeg)));
    rows.add(
        number(
            columns,
            "site.longitude_deg",
            "°",
            column -> siteNumber(column, Site::getLongitudeDeg)));
    rows.add(
        number(
            columns, "site.elevation_m", "m", column -> siteNumber(column, Site::getElevationM)));
    rows.add(
        text(
            columns, "site.weather_data_set", column -> siteText(column, Site::getWeatherDataSet)));
    rows.add(
        text(
            columns,
            "site.power_source.grid_region",
            column -> siteText(column, site -> site.getPowerSource().getGridRegion())));
    rows.add(
        text(
            columns,
            "site.power_source.on_site_generation",
            column ->
                siteText(
                    column,
                    site ->
                        AlternativeMapper.generation(
                            site.getPowerSource().getOnSiteGenerationList()))));
    rows.add(text(columns, "rack_system", ComparisonMapper::rackSystems));
    TreeSet<String> substituted = new TreeSet<>();
    columns.forEach(column -> substituted.addAll(column.subject().otherParts().keySet()));
    for (String from : substituted) {
      rows.add(
          text(
              columns,
              "part_substitutions[" + from + "]",
              column -> column.subject().otherParts().getOrDefault(from, from)));
    }
    rows.add(
        number(
            columns,
            "setpoints.tcs_supply_temperature_c",
            "°C",
            column -> column.subject().setpoints().tcsSupplyTemperatureC()));
    rows.add(
        number(
            columns,
            "setpoints.facility_water_supply_temperature_c",
            "°C",
            column -> column.subject().setpoints().facilityWaterSupplyTemperatureC()));
    rows.add(
        number(
            columns,
            "setpoints.air_supply_temperature_c",
            "°C",
            column -> column.subject().setpoints().airSupplyTemperatureC()));
    rows.add(
        number(
            columns,
            "setpoints.tcs_pump_speed_percent",
            "%",
            column -> column.subject().setpoints().tcsPumpSpeedPercent()));
    rows.add(
        number(columns, "it_design_power_kw", "kW", column -> column.subject().itDesignPowerKw()));
    rows.add(number(columns, "rack_count", "", column -> (double) column.subject().rackCount()));

    for (ComparisonRow row : rows) {
      if (includeUnchanged || row.getDiffers()) {
        response.addRows(row);
      }
    }
    return response.build();
  }

  /** Formats a number without a trailing ".0" or exponent, such as 50000 or 39.1. */
  static String format(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static Site effectiveSite(ComparisonSubject subject) {
    try {
      Site site = subject.site() == null ? null : Site.parseFrom(subject.site());
      if (subject.powerSource() != null) {
        PowerSource powerSource = PowerSource.parseFrom(subject.powerSource());
        site =
            (site == null ? Site.newBuilder() : site.toBuilder())
                .setPowerSource(powerSource)
                .build();
      }
      return site;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored site of " + subject.source() + " is unreadable", e);
    }
  }

  private static String siteText(Column column, Function<Site, String> field) {
    return column.site() == null ? "" : field.apply(column.site());
  }

  private static Double siteNumber(Column column, Function<Site, Double> field) {
    return column.site() == null ? null : field.apply(column.site());
  }

  private static String rackSystems(Column column) {
    List<String> entries = new ArrayList<>();
    for (Map.Entry<String, Long> rack : column.subject().rackSystems().entrySet()) {
      entries.add(rack.getKey() + " (" + rack.getValue() + " racks)");
    }
    return String.join(", ", entries);
  }

  private static ComparisonRow text(
      List<Column> columns, String attribute, Function<Column, String> value) {
    ComparisonRow.Builder row = ComparisonRow.newBuilder().setAttribute(attribute);
    for (Column column : columns) {
      row.addValues(ComparisonValue.newBuilder().setText(value.apply(column)));
    }
    return row.setDiffers(differs(row.getValuesList())).build();
  }

  private static ComparisonRow number(
      List<Column> columns, String attribute, String unit, Function<Column, Double> value) {
    ComparisonRow.Builder row = ComparisonRow.newBuilder().setAttribute(attribute).setUnit(unit);
    for (Column column : columns) {
      Double number = value.apply(column);
      ComparisonValue.Builder cell = ComparisonValue.newBuilder();
      if (number != null) {
        cell.setText(format(number)).setNumber(number);
      }
      row.addValues(cell);
    }
    return row.setDiffers(differs(row.getValuesList())).build();
  }

  private static boolean differs(List<ComparisonValue> values) {
    return values.stream().distinct().count() > 1;
  }
}
