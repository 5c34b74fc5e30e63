package io.factorytwin.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A fresh PostgreSQL database reached through a {@link TcpProxy}, so a test can take the database
 * away from the service and give it back without touching the shared server. The proxy is injected
 * into the test's {@code TcpProxy} field.
 */
public class ProxiedPostgresDatabase implements QuarkusTestResourceLifecycleManager {

  private String database;
  private TcpProxy proxy;

  @Override
  public Map<String, String> start() {
    database = PostgresDatabase.create("ft_outage");
    String[] server = PostgresDatabase.server().split(":");
    try {
      proxy = new TcpProxy(server[0], Integer.parseInt(server[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "quarkus.datasource.jdbc.url",
        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database,
        "quarkus.datasource.username",
        PostgresDatabase.user(),
        "quarkus.datasource.password",
        "");
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(proxy, new TestInjector.MatchesType(TcpProxy.class));
  }

  @Override
  public void stop() {
    try {
      if (proxy != null) {
        proxy.close();
      }
    } catch (IOException e) {
      // The proxy threads are daemons; nothing else to release.
    }
    if (database != null) {
      PostgresDatabase.drop(database);
    }
  }
}
