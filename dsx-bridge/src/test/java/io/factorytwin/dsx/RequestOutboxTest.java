package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's bookkeeping, with a sender that records what it is given. */
class RequestOutboxTest {

  private static final String POINT = "twins/t/points/cdu-1.liquid-temperature-sp.secondary-supply";
  private static final String TOPIC = "BMS/v1/FT/Value/CDU/LiquidTemperatureSpRequest/cdu1";

  private final List<String> sent = new ArrayList<>();
  private boolean brokerTakes = true;
  private final BridgeCounters counters = new BridgeCounters();
  private final RequestOutbox outbox =
      new RequestOutbox(
          (topic, payload) -> {
            if (brokerTakes) {
              sent.add(topic + " " + new String(payload, StandardCharsets.UTF_8));
            }
            return brokerTakes;
          },
          counters);

  @Test
  void requestBeforeTopic_waits() {
    outbox.seen(9);
    outbox.written(POINT, 31.0, 1_000, 10);
    outbox.seen(12);

    assertThat(sent).isEmpty();
    assertThat(counters.requestsUnmapped.get()).isEqualTo(1);
    // Sequence 10 is not in the MQTT client's hands: a restart must replay it.
    assertThat(outbox.resumePoint()).isEqualTo(OptionalLong.of(9));

    outbox.topicNamed(POINT, TOPIC);
    assertThat(sent).singleElement().asString().contains("\"value\":31.0");
    assertThat(outbox.resumePoint()).isEqualTo(OptionalLong.of(12));
  }

  @Test
  void olderSequence_ignored() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.written(POINT, 31.0, 1_000, 20);
    outbox.written(POINT, 29.0, 1_000, 19);
    outbox.written(POINT, 29.0, 1_000, 20);

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains("\"value\":31.0");
  }

  @Test
  void brokerAway_waitsForResend() {
    outbox.topicNamed(POINT, TOPIC);
    brokerTakes = false;
    outbox.written(POINT, 31.0, 1_000, 5);
    outbox.written(POINT, 32.0, 1_000, 6);
    outbox.seen(6);
    assertThat(outbox.waiting()).isEqualTo(1);
    assertThat(outbox.resumePoint()).isEqualTo(OptionalLong.of(5));

    brokerTakes = true;
    outbox.resendAll();
    assertThat(sent).singleElement().asString().contains("\"value\":32.0");
    assertThat(outbox.waiting()).isZero();
    assertThat(outbox.resumePoint()).isEqualTo(OptionalLong.of(6));
  }

  @Test
  void bmsOffline_latestSentOnReturn() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.bmsOnline(false);
    outbox.written(POINT, 31.0, 1_000, 5);
    outbox.written(POINT, 32.0, 1_000, 6);
    assertThat(sent).isEmpty();
    assertThat(counters.requestsHeld.get()).isEqualTo(2);

    outbox.bmsOnline(true);
    assertThat(sent).singleElement().asString().contains("\"value\":32.0");
  }

  @Test
  void forgottenTopics_waitForNewMatch() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.forgetTopics();
    outbox.written(POINT, 31.0, 1_000, 5);
    assertThat(sent).isEmpty();
    outbox.topicNamed(POINT, TOPIC + "-b");
    assertThat(sent).singleElement().asString().startsWith(TOPIC + "-b ");
  }

  @Test
  void nothingSeen_noResumePoint() {
    assertThat(outbox.resumePoint()).isEmpty();
  }

  @Test
  void resumeFile_tornIgnored(@TempDir Path dir) throws Exception {
    ResumePoint saved = new ResumePoint(dir);
    assertThat(saved.load()).isEmpty();
    saved.save(41);
    assertThat(new ResumePoint(dir).load()).isEqualTo(OptionalLong.of(41));

    Files.writeString(dir.resolve(ResumePoint.FILE_NAME), "4x");
    assertThat(new ResumePoint(dir).load()).isEmpty();
  }
}
