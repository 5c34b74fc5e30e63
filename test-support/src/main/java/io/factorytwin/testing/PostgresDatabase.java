package io.factorytwin.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Creates a fresh PostgreSQL database for one test run and drops it afterwards, so parallel and
 * repeated runs never share state. The server comes from {@code FACTORYTWIN_TEST_PG} (host:port,
 * default 127.0.0.1:5432) with user {@code FACTORYTWIN_TEST_PG_USER} (default postgres).
 */
public class PostgresDatabase implements QuarkusTestResourceLifecycleManager {

  private String database;

  /** Returns the host and port of the PostgreSQL server the tests use. */
  public static String server() {
    return System.getenv().getOrDefault("FACTORYTWIN_TEST_PG", "127.0.0.1:5432");
  }

  public static String user() {
    return System.getenv().getOrDefault("FACTORYTWIN_TEST_PG_USER", "postgres");
  }

  /** Returns a JDBC URL for a database on the test server. */
  public static String jdbcUrl(String database) {
    return "jdbc:postgresql://" + server() + "/" + database;
  }

  /** Creates a database with a unique name that starts with the prefix and returns its name. */
  public static String create(String prefix) {
    String name =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 12).replace("-", ""))
            .toLowerCase(Locale.ROOT);
    execute("CREATE DATABASE " + name);
    return name;
  }

  /** Drops a database, closing any connection still open to it. */
  public static void drop(String name) {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + server() + " failed '" + sql + "'; is the server running?", e);
    }
  }

  @Override
  public Map<String, String> start() {
    database = create("ft_test");
    return Map.of(
        "quarkus.datasource.jdbc.url", jdbcUrl(database),
        "quarkus.datasource.username", user(),
        "quarkus.datasource.password", "");
  }

  @Override
  public void stop() {
    if (database != null) {
      drop(database);
    }
  }
}
