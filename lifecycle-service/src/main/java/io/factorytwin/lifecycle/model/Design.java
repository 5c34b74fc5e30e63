package io.factorytwin.lifecycle.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A facility design: the container of its lettered revisions. */
@Entity
@Table(name = "design")
public class Design extends PanacheEntityBase {

  /** Design id, the last segment of {@code designs/{design}}. */
  @Id
  @Column(length = 63)
  public String id;

  @Column(name = "display_name", nullable = false, length = 256)
  public String displayName;

  /** Empty when not given. */
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
    return "designs/" + id;
  }

  public String etag() {
    return Etags.of(version, createTime);
  }
}
