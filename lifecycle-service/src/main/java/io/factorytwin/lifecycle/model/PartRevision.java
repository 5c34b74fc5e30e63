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
 * One lettered revision of a part. Spec, ports and sources are the contract's protobuf encoding,
 * opaque here; {@link RevisionContent} carries them between the service and the mapping.
 */
@Entity
@Table(name = "part_revision")
public class PartRevision extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "part_id", nullable = false, length = 63)
  public String partId;

  /** 1 for revision A; see {@link RevisionLabels}. */
  @Column(name = "revision_number", nullable = false)
  public int revisionNumber;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public RevisionState state;

  /** Encoded EquipmentSpec; null while the revision has no spec. */
  @Column(name = "spec")
  public byte[] spec;

  /** Encoded ports; empty for none. */
  @Column(name = "ports", nullable = false)
  public byte[] ports;

  /** Encoded spec sources; empty for none. */
  @Column(name = "sources", nullable = false)
  public byte[] sources;

  @Column(name = "change_summary", nullable = false, length = 4096)
  public String changeSummary;

  /** The comment of the last rejection; null when never rejected. */
  @Column(name = "review_comment", length = 4096)
  public String reviewComment;

  /** JWT subject of the creator. */
  @Column(nullable = false, length = 256)
  public String author;

  /** JWT subject of the releaser; null until released. */
  @Column(length = 256)
  public String releaser;

  /** Optimistic-locking counter behind the etag; changes on every write, transitions included. */
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
    return "parts/" + partId + "/revisions/" + revisionId();
  }

  public String etag() {
    return Etags.of(version, createTime);
  }

  public RevisionContent content() {
    return new RevisionContent(spec, ports, sources, changeSummary);
  }
}
