package io.factorytwin.lifecycle.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds etags from a record's optimistic-locking version and its creation time. The creation time
 * keeps a record that was deleted and created again under the same name from matching an etag of
 * its predecessor.
 */
public final class Etags {

  private Etags() {}

  public static String of(long version, Instant createTime) {
    long createMicros = ChronoUnit.MICROS.between(Instant.EPOCH, createTime);
    return Long.toString(version) + "-" + Long.toHexString(createMicros);
  }
}
