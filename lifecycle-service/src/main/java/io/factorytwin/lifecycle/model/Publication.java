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
 * The delivery of one released design revision to one twin. While it is PENDING, a row of the
 * {@code publication_outbox} table holds the time at which the relay delivers it next.
 */
@Entity
@Table(name = "publication")
public class Publication extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "design_id", nullable = false, length = 63)
  public String designId;

  /** 1 for revision A; see {@link RevisionLabels}. */
  @Column(name = "revision_number", nullable = false)
  public int revisionNumber;

  /** The last segment of the publication's resource name; the server assigns it. */
  @Column(name = "publication_id", nullable = false, length = 63)
  public String publicationId;

  /** Target twin, {@code twins/{twin}}. */
  @Column(nullable = false, length = 70)
  public String twin;

  @Column(nullable = false)
  public boolean activate;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public PublicationState state;

  @Column(name = "attempt_count", nullable = false)
  public int attemptCount;

  /** gRPC status code name of the last failed attempt; null when no attempt has failed. */
  @Column(name = "last_error_code", length = 32)
  public String lastErrorCode;

  /** Message of the last failed attempt; null when no attempt has failed. */
  @Column(name = "last_error", length = 4096)
  public String lastError;

  @Column(name = "last_attempt_time")
  public Instant lastAttemptTime;

  /** Earliest time of the next attempt; null unless PENDING after a failed attempt. */
  @Column(name = "next_attempt_time")
  public Instant nextAttemptTime;

  /** Twin revision the twin built or already had; null until DELIVERED. */
  @Column(name = "twin_revision", length = 140)
  public String twinRevision;

  @Column(name = "newly_built", nullable = false)
  public boolean newlyBuilt;

  /** JWT subject of the caller that published. */
  @Column(nullable = false, length = 256)
  public String author;

  /** Optimistic-locking counter behind the etag; changes on every attempt and state change. */
  @Version
  @Column(nullable = false)
  public long version;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;

  @Column(name = "update_time", nullable = false)
  public Instant updateTime;

  /** Null until DELIVERED. */
  @Column(name = "deliver_time")
  public Instant deliverTime;

  /** Returns the name of the published design revision. */
  public String designRevision() {
    return "designs/" + designId + "/revisions/" + RevisionLabels.id(revisionNumber);
  }

  public String name() {
    return designRevision() + "/publications/" + publicationId;
  }

  /** Returns the twin id, the last segment of {@link #twin}. */
  public String twinId() {
    return twin.substring("twins/".length());
  }

  public String etag() {
    return Etags.of(version, createTime);
  }
}
