package io.factorytwin.lifecycle.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The first result of a creating call sent with a request_id. */
@Entity
@Table(name = "request_log")
public class RequestRecord extends PanacheEntityBase {

  @Id
  @Column(name = "request_id")
  public UUID requestId;

  /** The gRPC method name, such as {@code CreatePart}. */
  @Column(nullable = false, length = 64)
  public String method;

  /** SHA-256 of the method name and the encoded request. */
  @Column(nullable = false)
  public byte[] fingerprint;

  /** The encoded response of the first call. */
  @Column(name = "response")
  public byte[] response;

  @Column(name = "create_time", nullable = false)
  public Instant createTime;
}
