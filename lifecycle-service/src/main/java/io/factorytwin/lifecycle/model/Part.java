package io.factorytwin.lifecycle.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A catalog entry: one model of equipment. Its engineering data lives in its revisions. */
@Entity
@Table(name = "part")
public class Part extends PanacheEntityBase {

  /** Part id, the last segment of {@code parts/{part}}. */
  @Id
  @Column(length = 63)
  public String id;

  @Column(name = "display_name", nullable = false, length = 256)
  public String displayName;

  /** Fixed at creation. */
  @Enumerated(EnumType.STRING)
  @Column(name = "equipment_class", nullable = false, length = 32)
  public EquipmentClass equipmentClass;

  /** Empty when not given. */
  @Column(nullable = false, length = 256)
  public String manufacturer;

  /** Manufacturer's model designation; empty when not given. */
  @Column(nullable = false, length = 256)
  public String model;

  @Column(nullable = false, length = 4096)
  public String description;

  /** Optimistic-locking counter behind the etag; changes on every write of this row. */
  @Version
  @Column(nullable = false)
  public long version;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;

  @Column(name = "update_time", nullable = false)
  public Instant updateTime;

  public String name() {
    return "parts/" + id;
  }

  public String etag() {
    return Etags.of(version, createTime);
  }
}
