package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** factoryctl dev token: tokens for agents whose id is not the development agent's. */
class DevTokenTest {

  @TempDir Path run;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void token_carriesSubjectAndRole() {
    assertThat(run("dev", "init", "--dir=" + run)).as(err.toString()).isZero();

    int code = run("dev", "token", "--dir=" + run, "--subject=lc-agent", "--role=agent");

    assertThat(code).as(err.toString()).isZero();
    String[] parts = out.toString().trim().split("\\.");
    assertThat(parts).hasSize(3);
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    assertThat(payload).contains("\"sub\":\"lc-agent\"").contains("\"groups\":[\"agent\"]");
  }

  @Test
  void token_unknownRole_isUsageError() {
    assertThat(run("dev", "init", "--dir=" + run)).isZero();

    int code = run("dev", "token", "--dir=" + run, "--subject=lc-agent", "--role=admin");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown role 'admin'");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void token_withoutKey_failsWithHint() {
    int code = run("dev", "token", "--dir=" + run, "--subject=lc-agent", "--role=agent");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("run 'bin/factoryctl dev init' first");
  }
}
