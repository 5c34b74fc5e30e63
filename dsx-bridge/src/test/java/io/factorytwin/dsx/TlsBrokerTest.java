package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge over TLS. The test makes a CA and a server certificate for 127.0.0.1 with openssl, and
 * starts its own Mosquitto with a TLS listener that presents the certificate next to a plain
 * listener. The test BMS uses the plain listener, so the bridge's connection is the one over TLS;
 * the bridge trusts the broker through a PKCS#12 trust store holding the CA. A third listener
 * requires a client certificate (mutual TLS, as DSX Exchange uses for BMS devices).
 */
class TlsBrokerTest {

  static TestCertificates certificates;
  static TestCertificates otherCa;
  static OwnMosquitto broker;
  static TwinFixture twin;
  static TestBms bms;
  static String root;

  @BeforeAll
  static void start() throws Exception {
    certificates = TestCertificates.create("Factory Twin test CA");
    otherCa = TestCertificates.create("Some other CA");
    broker = new OwnMosquitto(certificates);
    twin = TwinFixture.start();
    root = "ft-tls-" + UUID.randomUUID().toString().substring(0, 8) + "/BMS/v1";
    bms = new TestBms(broker.uri(), root, DsxBridgeTest.INTEGRATION);
    DsxBridgeTest.publishMetadata(bms);
  }

  @AfterAll
  static void stop() throws Exception {
    if (bms != null) {
      bms.close();
    }
    if (twin != null) {
      twin.close();
    }
    if (broker != null) {
      broker.close();
    }
    for (TestCertificates files : new TestCertificates[] {certificates, otherCa}) {
      if (files != null) {
        files.delete();
      }
    }
  }

  /** The configuration of DsxBridgeTest on the TLS listener, with a trust store. */
  private static BridgeConfig overTls(String run, ControlStandIn control, Path trustStore)
      throws Exception {
    BridgeConfig plain =
        DsxBridgeTest.config(
            broker.tlsUri(),
            run,
            root,
            twin,
            control.address(),
            Files.createTempDirectory("dsx-bridge-mqtt"));
    return plain.withBroker(
        plain.broker().withTls(broker.tlsUri(), trustStore, TestCertificates.TRUST_STORE_PASSWORD));
  }

  @Test
  void tls_trustedCa_exchangesMessages() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    BridgeCounters counters = new BridgeCounters();
    try (ControlStandIn control = new ControlStandIn();
        DsxBridge bridge =
            new DsxBridge(overTls(run, control, certificates.trustStore()), counters)) {
      bridge.start();

      await("a TLS connection", 20_000, bridge::connected, bridge);
      assertThat(bridge.lastConnectError()).isEmpty();
      // The retained metadata comes over TLS and matches the twin's points.
      await("metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8, bridge);

      bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 33.75, 1);
      String point = TwinFixture.CDU + ".liquid-temperature.secondary-supply";
      await(
          "the value in the twin",
          20_000,
          () -> {
            var value = twin.latest(point).get(0);
            return value.hasValue() && value.getValue() == 33.75;
          },
          bridge);

      await(
          "request metadata",
          10_000,
          () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent(),
          bridge);
      await("WatchActions open", 10_000, () -> control.watcherCount() > 0, bridge);
      control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 31.25);
      TestBms.Received request =
          bms.next(bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow(), 10_000);
      assertThat(request).isNotNull();
      assertThat(request.payload()).contains("\"value\":31.25");
      assertThat(counters.connectFailures.get()).isZero();
    } finally {
      TestBms.dropSession(broker.uri(), "ft-bridge-" + run);
    }
  }

  @Test
  void mutualTls_clientCertificate_connectsAndMatches() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    BridgeCounters counters = new BridgeCounters();
    Path keyStore = certificates.clientKeyStore("factorytwin-dsx-bridge");
    try (ControlStandIn control = new ControlStandIn()) {
      BridgeConfig config = overTls(run, control, certificates.trustStore());
      config =
          config.withBroker(
              config
                  .broker()
                  .withTls(
                      broker.mutualTlsUri(),
                      certificates.trustStore(),
                      TestCertificates.TRUST_STORE_PASSWORD)
                  .withClientCertificate(keyStore, TestCertificates.TRUST_STORE_PASSWORD));
      try (DsxBridge bridge = new DsxBridge(config, counters)) {
        bridge.start();
        await("a mutual-TLS connection", 20_000, bridge::connected, bridge);
        await("metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8, bridge);
        assertThat(counters.connectFailures.get()).isZero();
      }
    } finally {
      TestBms.dropSession(broker.uri(), "ft-bridge-" + run);
    }
  }

  @Test
  void mutualTls_noClientCertificate_refused() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    BridgeCounters counters = new BridgeCounters();
    try (ControlStandIn control = new ControlStandIn()) {
      BridgeConfig config = overTls(run, control, certificates.trustStore());
      config =
          config.withBroker(
              config
                  .broker()
                  .withTls(
                      broker.mutualTlsUri(),
                      certificates.trustStore(),
                      TestCertificates.TRUST_STORE_PASSWORD));
      try (DsxBridge bridge = new DsxBridge(config, counters)) {
        bridge.start();
        await("a refused connection", 20_000, () -> counters.connectFailures.get() >= 2, bridge);
        assertThat(bridge.connected()).isFalse();
        assertThat(counters.metadataReceived.get()).isZero();
        assertThat(bridge.lastConnectError()).isNotEmpty();
      }
    }
  }

  @Test
  void tls_untrustedCa_failsHandshake() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    BridgeCounters counters = new BridgeCounters();
    try (ControlStandIn control = new ControlStandIn();
        DsxBridge bridge = new DsxBridge(overTls(run, control, otherCa.trustStore()), counters)) {
      bridge.start();

      await("a failed connection", 20_000, () -> counters.connectFailures.get() >= 2, bridge);

      assertThat(bridge.connected()).isFalse();
      assertThat(counters.metadataReceived.get()).isZero();
      Throwable cause = bridge.lastConnectFailure().orElseThrow();
      while (cause != null && !(cause instanceof SSLHandshakeException)) {
        cause = cause.getCause();
      }
      assertThat(cause).as("an SSLHandshakeException among the causes").isNotNull();
      assertThat(bridge.lastConnectError()).contains("SSLHandshakeException");
    }
  }

  private static void await(
      String condition, long timeoutMs, BooleanSupplier done, DsxBridge bridge) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "timed out waiting for "
                + condition
                + "; counters "
                + bridge.counters().snapshot()
                + ", last connect error '"
                + bridge.lastConnectError()
                + "', broker log:\n"
                + broker.log());
      }
      Thread.sleep(50);
    }
  }
}
