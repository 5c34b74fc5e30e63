package io.factorytwin.twin.service;

import java.sql.SQLException;

/**
 * An unchecked wrapper of a JDBC failure. The error table looks through it to the SQL exception, so
 * an unreachable database still answers UNAVAILABLE.
 */
public final class DatabaseException extends RuntimeException {

  public DatabaseException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** True when the failure is a unique or primary-key violation (SQLState 23505). */
  public static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
