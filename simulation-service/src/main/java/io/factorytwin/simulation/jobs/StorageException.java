package io.factorytwin.simulation.jobs;

import java.sql.SQLException;

/**
 * A failed database statement. Its cause keeps the SQLState, so the error table still turns an
 * unreachable database into UNAVAILABLE.
 */
public final class StorageException extends RuntimeException {

  public StorageException(SQLException cause) {
    super("a database statement of simulation-service failed", cause);
  }
}
