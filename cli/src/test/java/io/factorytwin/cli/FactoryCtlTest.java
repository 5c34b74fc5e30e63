package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exit codes and error output of factoryctl against addresses where nothing listens. Calls that
 * reach real services are covered by the services' tests and the Node.js client test.
 */
class FactoryCtlTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String closedAddress;

  @BeforeEach
  void findClosedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      closedAddress = "127.0.0.1:" + socket.getLocalPort();
    }
  }

  private int run(String... args) {
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void status_servicesDown_exitsUnreachableWithHint() {
    int code =
        run(
            "status",
            "--lifecycle-address=" + closedAddress,
            "--twin-address=" + closedAddress,
            "--simulation-address=" + closedAddress,
            "--control-address=" + closedAddress,
            "--timeout=2");

    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
    assertThat(out.toString()).contains("UNREACHABLE");
    assertThat(err.toString()).contains("bin/factory up");
  }

  @Test
  void status_json_listsEveryServiceWithItsAddress() {
    run(
        "status",
        "-o",
        "json",
        "--lifecycle-address=" + closedAddress,
        "--twin-address=" + closedAddress,
        "--simulation-address=" + closedAddress,
        "--control-address=" + closedAddress,
        "--timeout=2");

    assertThat(out.toString())
        .contains("\"services\"")
        .contains("\"name\": \"lifecycle\"")
        .contains("\"name\": \"control\"")
        .contains("\"address\": \"" + closedAddress + "\"");
  }

  @Test
  void partList_serviceDown_printsStatusOnStandardError() {
    int code =
        run("part", "list", "--token=t", "--lifecycle-address=" + closedAddress, "--timeout=2");

    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
    assertThat(err.toString()).startsWith("error: UNAVAILABLE");
  }

  @Test
  void invalidPort_isRejectedBeforeAnyCall() {
    int code = run("part", "list", "--token=t", "--lifecycle-address=127.0.0.1:99999");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("expected a number from 1 to 65535");
  }

  @Test
  void designImport_missingFile_failsBeforeAnyCall() {
    int code =
        run(
            "design",
            "import",
            "no-such-design.yaml",
            "--token=t",
            "--lifecycle-address=" + closedAddress);

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("cannot read no-such-design.yaml");
  }

  @Test
  void designImport_serviceDown_isUnreachable() {
    int code =
        run(
            "design",
            "import",
            "../examples/catalog.yaml",
            "--token=t",
            "--lifecycle-address=" + closedAddress,
            "--timeout=2");

    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
  }

  @Test
  void designPublish_serviceDown_isUnreachable() {
    int code =
        run(
            "design",
            "publish",
            "designs/hall/revisions/a",
            "--twin=twins/hall",
            "--activate",
            "--token=t",
            "--lifecycle-address=" + closedAddress,
            "--timeout=2");

    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
  }

  @Test
  void designPublishStatus_withoutName_isUsageError() {
    int code = run("design", "publish-status");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("designs/{design}/revisions/{revision}/publications");
  }

  @Test
  void unknownOption_isUsageError() {
    int code = run("part", "list", "--no-such-option");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--no-such-option");
  }
}
