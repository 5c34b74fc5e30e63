package io.factorytwin.support.instance;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One process of a service that has run against this database: when it started, when it was last
 * seen alive and when it stopped cleanly. A row whose {@code stoppedAt} stays empty long after
 * {@code lastSeenAt} belongs to a process that died.
 */
@Entity
@Table(name = "service_instance")
public class ServiceInstance extends PanacheEntityBase {

  @Id public UUID id;

  @Column(nullable = false, length = 32)
  public String service;

  @Column(nullable = false, length = 255)
  public String host;

  @Column(nullable = false)
  public long pid;

  @Column(name = "started_at", nullable = false)
  public Instant startedAt;

  @Column(name = "last_seen_at", nullable = false)
  public Instant lastSeenAt;

  @Column(name = "stopped_at")
  public Instant stoppedAt;
}
