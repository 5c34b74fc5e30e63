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

/** A change notice: edits against a released design revision, under review and approval. */
@Entity
@Table(name = "change_notice")
public class ChangeNotice extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "design_id", nullable = false, length = 63)
  public String designId;

  /** The last segment of {@code designs/{design}/changes/{change}}. */
  @Column(name = "change_id", nullable = false, length = 63)
  public String changeId;

  @Column(nullable = false, length = 256)
  public String title;

  /** Empty when not given. */
  @Column(nullable = false, length = 16384)
  public String description;

  /** Resource name of the base revision, {@code designs/{design}/revisions/{revision}}. */
  @Column(name = "base_revision", nullable = false, length = 140)
  public String baseRevision;

  @Column(name = "base_revision_number", nullable = false)
  public int baseRevisionNumber;

  /** Etag of the base revision when the change notice was created. */
  @Column(name = "base_revision_etag", nullable = false, length = 64)
  public String baseRevisionEtag;

  /** The contract's protobuf encoding of a ChangeNotice carrying only its edits. */
  @Column(nullable = false)
  public byte[] edits;

  @Column(name = "edit_count", nullable = false)
  public int editCount;

  /** Element references in the layout of ElementReferences in the service package. */
  @Column(name = "affected_elements", nullable = false)
  public byte[] affectedElements;

  /** Element references in the layout of ElementReferences in the service package. */
  @Column(name = "resulting_elements", nullable = false)
  public byte[] resultingElements;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public ChangeNoticeState state;

  /** JWT subject of the creator. */
  @Column(nullable = false, length = 256)
  public String author;

  /** JWT subject of the approver or rejecter; null before review. */
  @Column(length = 256)
  public String reviewer;

  /** Null before review. */
  @Column(name = "review_comment", length = 4096)
  public String reviewComment;

  /** Resource name of the revision that applying produced; null until APPLIED. */
  @Column(name = "resulting_revision", length = 140)
  public String resultingRevision;

  /** Optimistic-locking counter behind the etag; changes on every write and transition. */
  @Version
  @Column(nullable = false)
  public long version;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;

  @Column(name = "update_time", nullable = false)
  public Instant updateTime;

  /** Null before review. */
  @Column(name = "review_time")
  public Instant reviewTime;

  /** Null until APPLIED. */
  @Column(name = "apply_time")
  public Instant applyTime;

  public String name() {
    return "designs/" + designId + "/changes/" + changeId;
  }

  public String etag() {
    return Etags.of(version, createTime);
  }
}
