package io.factorytwin.lifecycle.model;

/**
 * Operating setpoints a design is built for; a null field is unset.
 *
 * @param tcsSupplyTemperatureC TCS supply temperature at the CDU outlet in °C
 * @param facilityWaterSupplyTemperatureC facility water supply temperature in °C
 * @param airSupplyTemperatureC supply air temperature of the CRAHs in °C
 * @param tcsPumpSpeedPercent speed of the CDUs' TCS pumps in percent of design speed
 */
public record Setpoints(
    Double tcsSupplyTemperatureC,
    Double facilityWaterSupplyTemperatureC,
    Double airSupplyTemperatureC,
    Double tcsPumpSpeedPercent) {

  public static final Setpoints NONE = new Setpoints(null, null, null, null);

  /** Returns these setpoints with every field that the patch sets replaced by the patch's value. */
  public Setpoints merge(Setpoints patch) {
    return new Setpoints(
        patch.tcsSupplyTemperatureC != null ? patch.tcsSupplyTemperatureC : tcsSupplyTemperatureC,
        patch.facilityWaterSupplyTemperatureC != null
            ? patch.facilityWaterSupplyTemperatureC
            : facilityWaterSupplyTemperatureC,
        patch.airSupplyTemperatureC != null ? patch.airSupplyTemperatureC : airSupplyTemperatureC,
        patch.tcsPumpSpeedPercent != null ? patch.tcsPumpSpeedPercent : tcsPumpSpeedPercent);
  }
}
