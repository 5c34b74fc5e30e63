package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * The approach model that the cooling tower and dry cooler share.
 *
 * <p>The approach of the leaving water to the air temperature the unit works against (wet or dry
 * bulb) is taken as proportional to the heat load and inversely proportional to the airflow:
 *
 * <pre>
 *   approach = A_design · (Q / Q_design) / f
 * </pre>
 *
 * <p>This treats the unit as an exchanger whose conductance scales with airflow and whose driving
 * difference is the approach. It is an assumption chosen because it is cheap and invertible in
 * closed form. NOTE: it is a linearisation, not the Merkel model. Real towers show a smaller
 * approach change with load (the approach falls less than proportionally at part load), so
 * part-load fan power is estimated low.
 *
 * <p>Fans follow the cube law of the affinity laws: P = P_design · f³. Below the minimum airflow
 * fraction the fans cycle, so the average power is P_design · f_min³ · f / f_min.
 */
final class LinearApproachExchanger {

  private final double designHeatW;
  private final double designApproachK;
  private final double designFanPowerW;
  private final double minAirflowFraction;
  private final Fluid fluid;

  LinearApproachExchanger(
      double designHeatW,
      double designApproachK,
      double designFanPowerW,
      double minAirflowFraction,
      Fluid fluid) {
    this.designHeatW = Arguments.positive("designHeatRejectionW", designHeatW);
    this.designApproachK = Arguments.positive("designApproachK", designApproachK);
    this.designFanPowerW = Arguments.nonNegative("designFanPowerW", designFanPowerW);
    Arguments.fraction("minAirflowFraction", minAirflowFraction);
    if (minAirflowFraction == 0) {
      throw new IllegalArgumentException("minAirflowFraction must be greater than 0, got 0");
    }
    this.minAirflowFraction = minAirflowFraction;
    if (fluid == null) {
      throw new IllegalArgumentException("fluid must not be null");
    }
    this.fluid = fluid;
  }

  double designApproachK() {
    return designApproachK;
  }

  Fluid fluid() {
    return fluid;
  }

  double leavingAtFullAirflowC(double sinkTemperatureC, double heatW) {
    return sinkTemperatureC + designApproachK * heatW / designHeatW;
  }

  void evaluate(
      double enteringWaterC,
      double flowLitersPerMinute,
      double sinkTemperatureC,
      double leavingSetpointC,
      HeatRejectionOperation result) {
    Arguments.finite("enteringWaterC", enteringWaterC);
    Arguments.nonNegative("flowLitersPerMinute", flowLitersPerMinute);
    Arguments.finite("sinkTemperatureC", sinkTemperatureC);
    Arguments.finite("leavingSetpointC", leavingSetpointC);
    result.clear(enteringWaterC);
    if (flowLitersPerMinute == 0
        || enteringWaterC <= leavingSetpointC
        || enteringWaterC <= sinkTemperatureC) {
      return;
    }
    double capacityRate = fluid.capacityRate(flowLitersPerMinute);

    // At full airflow the leaving temperature solves T = sink + A·C·(T_in − T)/Q_design.
    double k = designApproachK * capacityRate / designHeatW;
    double leavingFull = (sinkTemperatureC + k * enteringWaterC) / (1 + k);
    double leaving;
    double airflow;
    if (leavingFull >= leavingSetpointC) {
      leaving = leavingFull;
      airflow = 1.0;
    } else {
      leaving = leavingSetpointC;
      double heat = capacityRate * (enteringWaterC - leaving);
      airflow = designApproachK * (heat / designHeatW) / (leavingSetpointC - sinkTemperatureC);
    }

    result.leavingWaterC = leaving;
    result.heatRejectedW = capacityRate * (enteringWaterC - leaving);
    result.airflowFraction = airflow;
    result.fanPowerW = fanPowerW(airflow);
  }

  private double fanPowerW(double airflowFraction) {
    if (airflowFraction >= minAirflowFraction) {
      return designFanPowerW * airflowFraction * airflowFraction * airflowFraction;
    }
    double minimum = minAirflowFraction * minAirflowFraction * minAirflowFraction;
    return designFanPowerW * minimum * airflowFraction / minAirflowFraction;
  }
}
