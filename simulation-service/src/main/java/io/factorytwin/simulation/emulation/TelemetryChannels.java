package io.factorytwin.simulation.emulation;

import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.twin.v1.Point;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sensor points of a twin that the engine's state can fill, each with the value it reads. A
 * point the twin lacks is left out, and a twin point without an engine value is not sent.
 *
 * <p>Mapped: per rack {@code rack-power} (kW), {@code gpu-temperature}, {@code
 * rack-liquid-supply-temperature} and {@code rack-liquid-return-temperature} (the group's mean
 * coolant temperatures, in °C), {@code rack-liquid-flow} (the CDU's flow shared equally, L/min) and
 * {@code tokens-per-second}; per CDU the four {@code liquid-temperature.*} points, {@code
 * liquid-flow.secondary}, {@code pump-speed} (%) and {@code power} (the pump, kW); per hall {@code
 * dew-point-temperature} from the weather; and on plant units {@code liquid-temperature.supply} and
 * {@code .return} from the facility water loop.
 *
 * <p>NOTE: hall {@code air-temperature} is not sent. The engine has no room air node, and the
 * outdoor dry bulb would be a wrong reading for a conditioned hall. The hall dew point is the
 * outdoor one, which assumes the hall takes in outdoor air without drying it.
 */
final class TelemetryChannels {

  private enum Source {
    RACK_POWER,
    GPU_TEMPERATURE,
    RACK_SUPPLY,
    RACK_RETURN,
    RACK_FLOW,
    RACK_TOKENS,
    CDU_SECONDARY_SUPPLY,
    CDU_SECONDARY_RETURN,
    CDU_PRIMARY_SUPPLY,
    CDU_PRIMARY_RETURN,
    CDU_FLOW,
    CDU_PUMP_SPEED,
    CDU_POWER,
    DEW_POINT,
    FACILITY_SUPPLY,
    FACILITY_RETURN
  }

  private final List<String> pointIds = new ArrayList<>();
  private final List<Source> sources = new ArrayList<>();
  private final List<Integer> indexes = new ArrayList<>();
  private final int[] rackCdu;
  private final int[] groupSize;

  private TelemetryChannels(int racks, int cdus) {
    rackCdu = new int[racks];
    groupSize = new int[cdus];
  }

  /**
   * Maps the twin's sensor points onto the hall.
   *
   * @param hall the engine's hall; rack and CDU names are twin node ids
   * @param sensors the sensor points of the twin's active revision
   */
  static TelemetryChannels map(Hall hall, List<Point> sensors) {
    Map<String, Integer> rackIndex = new HashMap<>();
    Map<String, Integer> cduIndex = new HashMap<>();
    TelemetryChannels channels = new TelemetryChannels(hall.rackCount(), hall.groups().size());
    int next = 0;
    for (int g = 0; g < hall.groups().size(); g++) {
      Hall.Group group = hall.groups().get(g);
      cduIndex.put(group.cdu().name(), g);
      channels.groupSize[g] = group.rackNames().size();
      for (String rack : group.rackNames()) {
        channels.rackCdu[next] = g;
        rackIndex.put(rack, next++);
      }
    }
    for (Point point : sensors) {
      String id = point.getName().substring(point.getName().lastIndexOf('/') + 1);
      String node = point.getNode().substring(point.getNode().lastIndexOf('/') + 1);
      String suffix =
          point.getProcessArea().isEmpty()
              ? point.getPointType()
              : point.getPointType() + "." + point.getProcessArea();
      Integer rack = rackIndex.get(node);
      Integer cdu = cduIndex.get(node);
      Source source = null;
      int index = 0;
      if (rack != null) {
        index = rack;
        source =
            switch (suffix) {
              case "rack-power" -> Source.RACK_POWER;
              case "gpu-temperature" -> Source.GPU_TEMPERATURE;
              case "rack-liquid-supply-temperature" -> Source.RACK_SUPPLY;
              case "rack-liquid-return-temperature" -> Source.RACK_RETURN;
              case "rack-liquid-flow" -> Source.RACK_FLOW;
              case "tokens-per-second" -> Source.RACK_TOKENS;
              default -> null;
            };
      } else if (cdu != null) {
        index = cdu;
        source =
            switch (suffix) {
              case "liquid-temperature.secondary-supply" -> Source.CDU_SECONDARY_SUPPLY;
              case "liquid-temperature.secondary-return" -> Source.CDU_SECONDARY_RETURN;
              case "liquid-temperature.primary-supply" -> Source.CDU_PRIMARY_SUPPLY;
              case "liquid-temperature.primary-return" -> Source.CDU_PRIMARY_RETURN;
              case "liquid-flow.secondary" -> Source.CDU_FLOW;
              case "pump-speed" -> Source.CDU_PUMP_SPEED;
              case "power" -> Source.CDU_POWER;
              default -> null;
            };
      } else {
        source =
            switch (suffix) {
              case "dew-point-temperature" -> Source.DEW_POINT;
              // Supply and return of dry coolers, cooling towers and chillers: the facility loop.
              case "liquid-temperature.supply" -> Source.FACILITY_SUPPLY;
              case "liquid-temperature.return" -> Source.FACILITY_RETURN;
              default -> null;
            };
      }
      if (source != null) {
        channels.pointIds.add(id);
        channels.sources.add(source);
        channels.indexes.add(index);
      }
    }
    return channels;
  }

  /** Point ids in handle order. */
  List<String> pointIds() {
    return pointIds;
  }

  int size() {
    return pointIds.size();
  }

  /** Returns how many mapped points are of racks, of CDUs and of the hall or plant. */
  String summary() {
    int racks = 0;
    int cdus = 0;
    for (Source source : sources) {
      if (source.name().startsWith("RACK") || source == Source.GPU_TEMPERATURE) {
        racks++;
      } else if (source.name().startsWith("CDU")) {
        cdus++;
      }
    }
    return racks
        + " rack, "
        + cdus
        + " CDU and "
        + (size() - racks - cdus)
        + " hall and plant points";
  }

  /** Reads the value of the point under handle k, in the point's unit. */
  double value(int k, TransientEngine engine, double runSeconds) {
    int i = indexes.get(k);
    return switch (sources.get(k)) {
      case RACK_POWER -> engine.rackPowerW(i) / 1000.0;
      case GPU_TEMPERATURE -> engine.gpuTemperatureC(i);
      case RACK_SUPPLY -> engine.rackInletC(rackCdu[i]);
      case RACK_RETURN -> engine.rackOutletC(rackCdu[i]);
      case RACK_FLOW -> engine.cduSecondaryFlowLpm(rackCdu[i]) / groupSize[rackCdu[i]];
      case RACK_TOKENS -> engine.rackTokensPerSecond(i);
      case CDU_SECONDARY_SUPPLY -> engine.cduSupplyC(i);
      case CDU_SECONDARY_RETURN -> engine.cduReturnC(i);
      case CDU_PRIMARY_SUPPLY -> engine.facilitySupplyC();
      case CDU_PRIMARY_RETURN -> engine.cduFacilityReturnC(i);
      case CDU_FLOW -> engine.cduSecondaryFlowLpm(i);
      case CDU_PUMP_SPEED -> engine.cduPumpSpeed(i) * 100.0;
      case CDU_POWER -> engine.cduPumpPowerW(i) / 1000.0;
      case DEW_POINT -> engine.dewPointC(runSeconds);
      case FACILITY_SUPPLY -> engine.facilitySupplyC();
      case FACILITY_RETURN -> engine.facilityReturnC();
    };
  }
}
