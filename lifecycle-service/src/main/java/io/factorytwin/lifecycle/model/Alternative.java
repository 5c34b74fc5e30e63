package io.factorytwin.lifecycle.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * An alternative of a design: what differs from its base revision in site, power source, part
 * revisions and setpoints. A null column keeps the base value.
 */
@Entity
@Table(name = "design_alternative")
public class Alternative extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "design_id", nullable = false, length = 63)
  public String designId;

  /** The last segment of {@code designs/{design}/alternatives/{alternative}}. */
  @Column(name = "alternative_id", nullable = false, length = 63)
  public String alternativeId;

  @Column(name = "display_name", nullable = false, length = 256)
  public String displayName;

  /** Empty when not given. */
  @Column(nullable = false, length = 4096)
  public String description;

  /** Resource name of the base revision, {@code designs/{design}/revisions/{revision}}. */
  @Column(name = "base_revision", nullable = false, length = 140)
  public String baseRevision;

  @Column(name = "base_revision_number", nullable = false)
  public int baseRevisionNumber;

  /** The contract's protobuf encoding of the replacing Site; null keeps the base site. */
  @Column(name = "site")
  public byte[] site;

  /** The contract's protobuf encoding of the replacing PowerSource; null keeps it. */
  @Column(name = "power_source")
  public byte[] powerSource;

  /** Substitutions in the layout of {@link PartSubstitution#encode}. */
  @Column(name = "part_substitutions", nullable = false)
  public byte[] partSubstitutions;

  @Column(name = "tcs_supply_temperature_c")
  public Double tcsSupplyTemperatureC;

  @Column(name = "facility_water_supply_temperature_c")
  public Double facilityWaterSupplyTemperatureC;

  @Column(name = "air_supply_temperature_c")
  public Double airSupplyTemperatureC;

  @Column(name = "tcs_pump_speed_percent")
  public Double tcsPumpSpeedPercent;

  /** JWT subject of the creator. */
  @Column(nullable = false, length = 256)
  public String author;

  /** Optimistic-locking counter behind the etag; changes on every write. */
  @Version
  @Column(nullable = false)
  public long version;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;

  @Column(name = "update_time", nullable = false)
  public Instant updateTime;

  public String name() {
    return "designs/" + designId + "/alternatives/" + alternativeId;
  }

  public String etag() {
    return Etags.of(version, createTime);
  }

  /** Returns the setpoints the alternative sets; null fields keep the base values. */
  public Setpoints setpoints() {
    return new Setpoints(
        tcsSupplyTemperatureC,
        facilityWaterSupplyTemperatureC,
        airSupplyTemperatureC,
        tcsPumpSpeedPercent);
  }

  public void setSetpoints(Setpoints setpoints) {
    tcsSupplyTemperatureC = setpoints.tcsSupplyTemperatureC();
    facilityWaterSupplyTemperatureC = setpoints.facilityWaterSupplyTemperatureC();
    airSupplyTemperatureC = setpoints.airSupplyTemperatureC();
    tcsPumpSpeedPercent = setpoints.tcsPumpSpeedPercent();
  }
}
