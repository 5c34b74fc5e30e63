package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.factorytwin.dsx.RequestOutbox.Request;
import io.factorytwin.dsx.RequestOutbox.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's bookkeeping, with a sender that records what it is given, and its state file. */
class RequestOutboxTest {

  private static final String POINT = "twins/t/points/cdu-1.liquid-temperature-sp.secondary-supply";
  private static final String TOPIC = "BMS/v1/FT/Value/CDU/LiquidTemperatureSpRequest/cdu1";
  private static final long SECOND = 1_000_000_000L;

  private final List<String> sent = new ArrayList<>();
  private boolean clientTakes = true;
  private final BridgeCounters counters = new BridgeCounters();
  private final RequestOutbox outbox =
      new RequestOutbox(
          (topic, payload) -> {
            if (clientTakes) {
              sent.add(topic + " " + new String(payload, StandardCharsets.UTF_8));
            }
            return clientTakes;
          },
          counters);

  @Test
  void requestBeforeTopic_waits() {
    outbox.seen(9);
    outbox.written(POINT, 31.0, 1_000, 10);
    outbox.seen(12);

    assertThat(sent).isEmpty();
    assertThat(counters.requestsUnmapped.get()).isEqualTo(1);
    Snapshot snapshot = outbox.snapshot();
    assertThat(snapshot.lastSequence()).isEqualTo(OptionalLong.of(12));
    assertThat(snapshot.waiting()).containsExactly(new Request(POINT, 10, 31.0, 1_000));

    outbox.topicNamed(POINT, TOPIC);
    assertThat(sent).singleElement().asString().contains("\"value\":31.0");
    assertThat(outbox.snapshot().waiting()).isEmpty();
    assertThat(counters.requestsPublished.get()).isEqualTo(1);
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
  void clientRefuses_latestWaitsForRetry() {
    outbox.topicNamed(POINT, TOPIC);
    clientTakes = false;
    outbox.written(POINT, 31.0, 1_000, 5);
    outbox.written(POINT, 32.0, 1_000, 6);
    assertThat(outbox.waiting()).isEqualTo(1);

    clientTakes = true;
    outbox.retryWaiting();
    assertThat(sent).singleElement().asString().contains("\"value\":32.0");
    assertThat(outbox.waiting()).isZero();
  }

  @Test
  void resendAll_sendsTakenAgainWithoutWaiting() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.written(POINT, 31.0, 1_000, 5);
    clientTakes = false;
    outbox.resendAll();

    // Taken before, so a refused resend does not make it wait.
    assertThat(outbox.waiting()).isZero();
    clientTakes = true;
    outbox.resendAll();
    assertThat(sent).hasSize(2);
    assertThat(counters.requestsPublished.get()).isEqualTo(1);
  }

  @Test
  void bmsOffline_latestSentOnReturn() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.startHeartbeatClock(0);
    assertThat(outbox.checkHeartbeat(10 * SECOND, 30 * SECOND)).isFalse();
    assertThat(outbox.checkHeartbeat(31 * SECOND, 30 * SECOND)).isTrue();
    assertThat(outbox.bmsOnline()).isFalse();
    // Already offline: no second loss.
    assertThat(outbox.checkHeartbeat(40 * SECOND, 30 * SECOND)).isFalse();

    outbox.written(POINT, 31.0, 1_000, 5);
    outbox.written(POINT, 32.0, 1_000, 6);
    outbox.resendAll();
    assertThat(sent).isEmpty();
    assertThat(counters.requestsHeld.get()).isEqualTo(2);

    outbox.bmsHeartbeat(41 * SECOND);
    assertThat(outbox.bmsOnline()).isTrue();
    assertThat(sent).singleElement().asString().contains("\"value\":32.0");
  }

  @Test
  void noHeartbeatPoint_neverOffline() {
    assertThat(outbox.checkHeartbeat(3_600 * SECOND, 30 * SECOND)).isFalse();
    assertThat(outbox.bmsOnline()).isTrue();
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
  void trailReset_acceptsLowerSequences() {
    outbox.topicNamed(POINT, TOPIC);
    outbox.written(POINT, 31.0, 1_000, 5_000);
    outbox.seen(5_000);

    outbox.trailReset();
    assertThat(outbox.snapshot()).isEqualTo(Snapshot.EMPTY);
    outbox.written(POINT, 30.5, 2_000, 4_001);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).contains("\"value\":30.5");
  }

  @Test
  void restoredSnapshot_sendsWaitingRequest() {
    outbox.restore(new Snapshot(OptionalLong.of(77), List.of(new Request(POINT, 70, 33.5, 5))));
    assertThat(outbox.snapshot().lastSequence()).isEqualTo(OptionalLong.of(77));
    // A replayed older change must not replace the restored request.
    outbox.written(POINT, 30.0, 1, 69);
    outbox.topicNamed(POINT, TOPIC);
    assertThat(sent).singleElement().asString().contains("\"value\":33.5");
  }

  @Test
  void stateFile_roundTrip(@TempDir Path dir) {
    OutboxFile file = new OutboxFile(dir);
    assertThat(file.load()).isEqualTo(Snapshot.EMPTY);
    Snapshot snapshot =
        new Snapshot(
            OptionalLong.of(41),
            List.of(
                new Request(POINT, 40, 31.25, 1_700_000_000_123L), new Request("p2", 41, -0.1, 9)));
    file.save(snapshot);
    assertThat(new OutboxFile(dir).load()).isEqualTo(snapshot);
  }

  @Test
  void stateFile_invalidIgnored(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(OutboxFile.FILE_NAME), "seen 4x\n");
    assertThat(new OutboxFile(dir).load()).isEqualTo(Snapshot.EMPTY);
    assertThatThrownBy(() -> OutboxFile.parse("waiting 1 2 3\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("waiting 1 2 3");
  }
}
