package io.factorytwin.lifecycle.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * One lettered revision of a design: its site, halls, rows, redundancy groups and setpoints. Its
 * placements and connections are rows of their own tables, keyed by this row's id.
 */
@Entity
@Table(name = "design_revision")
public class DesignRevision extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "design_id", nullable = false, length = 63)
  public String designId;

  /** 1 for revision A; see {@link RevisionLabels}. */
  @Column(name = "revision_number", nullable = false)
  public int revisionNumber;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public RevisionState state;

  /** Encoded Site of the contract; null while the revision has no site. */
  @Column(name = "site")
  public byte[] site;

  /** Halls in the layout of {@link DesignContent#encodeAreas}. */
  @Column(name = "halls", nullable = false)
  public byte[] halls;

  /** Rows in the layout of {@link DesignContent#encodeAreas}. */
  @Column(name = "design_rows", nullable = false)
  public byte[] rows;

  /** Redundancy groups in the layout of {@link DesignContent#encodeGroups}. */
  @Column(name = "redundancy_groups", nullable = false)
  public byte[] redundancyGroups;

  @Column(name = "tcs_supply_temperature_c")
  public Double tcsSupplyTemperatureC;

  @Column(name = "facility_water_supply_temperature_c")
  public Double facilityWaterSupplyTemperatureC;

  @Column(name = "air_supply_temperature_c")
  public Double airSupplyTemperatureC;

  @Column(name = "tcs_pump_speed_percent")
  public Double tcsPumpSpeedPercent;

  @Column(name = "change_summary", nullable = false, length = 4096)
  public String changeSummary;

  /** The comment of the last rejection; null when never rejected. */
  @Column(name = "review_comment", length = 4096)
  public String reviewComment;

  /** Number of rows in design_placement for this revision, kept by every element write. */
  @Column(name = "placement_count", nullable = false)
  public long placementCount;

  /** Number of rows in design_connection for this revision, kept by every element write. */
  @Column(name = "connection_count", nullable = false)
  public long connectionCount;

  /** The change notice that produced this revision; null for a revision created directly. */
  @Column(name = "change_notice", length = 140)
  public String changeNotice;

  /** JWT subject of the creator. */
  @Column(nullable = false, length = 256)
  public String author;

  /** JWT subject of the releaser; null until released. */
  @Column(length = 256)
  public String releaser;

  /** Optimistic-locking counter behind the etag; changes on every write, element edits included. */
  @Version
  @Column(nullable = false)
  public long version;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;

  @Column(name = "update_time", nullable = false)
  public Instant updateTime;

  /** Null until released. */
  @Column(name = "release_time")
  public Instant releaseTime;

  public String revisionId() {
    return RevisionLabels.id(revisionNumber);
  }

  public String name() {
    return "designs/" + designId + "/revisions/" + revisionId();
  }

  public String etag() {
    return Etags.of(version, createTime);
  }

  public Setpoints setpoints() {
    return new Setpoints(
        tcsSupplyTemperatureC,
        facilityWaterSupplyTemperatureC,
        airSupplyTemperatureC,
        tcsPumpSpeedPercent);
  }

  public DesignContent content() {
    return new DesignContent(
        site,
        DesignContent.decodeAreas(halls),
        DesignContent.decodeAreas(rows),
        DesignContent.decodeGroups(redundancyGroups),
        setpoints(),
        changeSummary);
  }

  /** Replaces the stored content fields with the given content. */
  public void apply(DesignContent content) {
    site = content.site();
    halls = DesignContent.encodeAreas(content.halls());
    rows = DesignContent.encodeAreas(content.rows());
    redundancyGroups = DesignContent.encodeGroups(content.groups());
    Setpoints setpoints = content.setpoints();
    tcsSupplyTemperatureC = setpoints.tcsSupplyTemperatureC();
    facilityWaterSupplyTemperatureC = setpoints.facilityWaterSupplyTemperatureC();
    airSupplyTemperatureC = setpoints.airSupplyTemperatureC();
    tcsPumpSpeedPercent = setpoints.tcsPumpSpeedPercent();
    changeSummary = content.changeSummary();
  }
}
