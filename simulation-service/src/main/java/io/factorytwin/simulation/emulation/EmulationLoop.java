package io.factorytwin.simulation.emulation;

import io.factorytwin.simulation.jobs.JobCancelledException;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.transients.ExternalSetpointPolicy;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.support.error.UnavailableException;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The per-loop-step work of a plant emulation, run by the engine on the job's thread: every
 * telemetry interval of facility time it sends the mapped sensor values through {@link
 * IngestStream} and reads the twin's CDU setpoints into the policy; after every loop step it paces
 * simulated time to {@code speedUp} times wall time and reports progress.
 *
 * <p>Twin outage: while twin-service cannot take telemetry or return setpoints, the loop stays in
 * the step that needs it, so the facility clock stops. Samples are only ever stamped with the time
 * the engine reached, and the emulated plant does not run on without its setpoints. Skipping the
 * missed samples instead would leave a gap in the twin's history, and running on would move the
 * plant under setpoints the twin may have changed in the meantime. The loop retries with a doubling
 * backoff and, once the twin is reachable again, restarts the pacing from the present, so the
 * emulation does not rush to catch up.
 */
final class EmulationLoop implements TransientEngine.LoopHook {

  /** Wall time between progress reports; the job contract expects about one a second. */
  static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;

  /** First and maximum wait between two attempts to reach twin-service during an outage. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** Reads setpoint values of named points; throws UnavailableException when the twin is down. */
  interface SetpointReader extends Function<List<String>, List<PointValue>> {}

  private final JobContext context;
  private final IngestStream stream;
  private final TelemetryChannels channels;
  private final ExternalSetpointPolicy policy;
  private final SetpointReader setpoints;
  private final List<String> supplySetpointPoints;
  private final List<String> pumpSpeedSetpointPoints;
  private final List<String> setpointPoints;
  private final long startMillis;
  private final double speedUp;
  private final double intervalSeconds;
  private final double durationSeconds;
  private final boolean open;

  private final long[] supplyVersion;
  private final long[] pumpVersion;
  private double nextSampleSeconds;
  private long sequence;
  private long wallBaseNanos;
  private double simBaseSeconds;
  private long lastProgressNanos;
  private double lastSimulatedSeconds;
  private boolean cancelled;

  private long changesFollowed;
  private int outages;
  private long outageNanos;
  private long pacedWallNanos;
  private double pacedSimSeconds;
  private double maxLagSeconds;
  private long twinNanos;
  private long setpointNanos;

  /**
   * @param supplySetpointPoints per CDU the {@code liquid-temperature-sp.secondary-supply} point
   *     name, or null when the twin has none
   * @param pumpSpeedSetpointPoints per CDU the {@code pump-speed-sp} point name, or null
   * @param open true for an emulation without a duration, which reports a progress fraction of 0
   */
  EmulationLoop(
      JobContext context,
      IngestStream stream,
      TelemetryChannels channels,
      ExternalSetpointPolicy policy,
      SetpointReader setpoints,
      List<String> supplySetpointPoints,
      List<String> pumpSpeedSetpointPoints,
      Instant start,
      double speedUp,
      double intervalSeconds,
      double durationSeconds,
      boolean open) {
    this.context = context;
    this.stream = stream;
    this.channels = channels;
    this.policy = policy;
    this.setpoints = setpoints;
    this.supplySetpointPoints = supplySetpointPoints;
    this.pumpSpeedSetpointPoints = pumpSpeedSetpointPoints;
    this.setpointPoints =
        Stream.concat(supplySetpointPoints.stream(), pumpSpeedSetpointPoints.stream())
            .filter(Objects::nonNull)
            .toList();
    this.startMillis = start.toEpochMilli();
    this.speedUp = speedUp;
    this.intervalSeconds = intervalSeconds;
    this.durationSeconds = durationSeconds;
    this.open = open;
    this.supplyVersion = new long[supplySetpointPoints.size()];
    this.pumpVersion = new long[pumpSpeedSetpointPoints.size()];
    Arrays.fill(supplyVersion, -1);
    Arrays.fill(pumpVersion, -1);
  }

  /**
   * Reads the twin's setpoints into the policy before the engine is built, so the plant starts in
   * the steady state of the twin's values. A twin that is down here fails the attempt, and the job
   * is tried again.
   */
  void readInitialSetpoints() {
    applySetpoints(setpoints.apply(setpointPoints), false);
  }

  /**
   * Sets the pacing clock and sends the first sample, of the engine's initial state, at the start
   * time.
   *
   * @return false when CancelJob ended the run during an outage
   */
  boolean start(TransientEngine engine) {
    wallBaseNanos = System.nanoTime();
    simBaseSeconds = 0;
    lastProgressNanos = wallBaseNanos;
    boolean running = deliver(engine, 0.0, 0.0);
    nextSampleSeconds = intervalSeconds;
    return running;
  }

  @Override
  public boolean afterLoopStep(TransientEngine engine, double endSeconds) {
    lastSimulatedSeconds = endSeconds;
    if (endSeconds >= nextSampleSeconds - 1e-9) {
      long before = System.nanoTime();
      boolean running = deliver(engine, nextSampleSeconds, endSeconds);
      twinNanos += System.nanoTime() - before;
      if (!running) {
        return false;
      }
      nextSampleSeconds += intervalSeconds;
    }
    pace(endSeconds);
    return report(endSeconds);
  }

  /** Sends the samples of one facility instant and reads the setpoints, riding out outages. */
  private boolean deliver(TransientEngine engine, double sampleSeconds, double engineSeconds) {
    int n = channels.size();
    long time = startMillis + Math.round(sampleSeconds * 1000.0);
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(++sequence);
    for (int k = 0; k < n; k++) {
      batch.addHandles(k);
      batch.addValues(channels.value(k, engine, engineSeconds));
      batch.addFacilityTimeUnixMs(time);
    }
    TelemetryBatch message = batch.build();

    boolean sent = false;
    List<PointValue> values = null;
    long outageStart = 0;
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      try {
        if (!sent) {
          if (outageStart == 0) {
            stream.send(message);
          } else {
            // The batch is pending in the stream; reopening resends it with any others in flight.
            stream.reopen();
          }
          sent = true;
        }
        long before = System.nanoTime();
        values = setpoints.apply(setpointPoints);
        setpointNanos += System.nanoTime() - before;
        break;
      } catch (IngestStream.TwinUnreachableException | UnavailableException e) {
        if (outageStart == 0) {
          outageStart = System.nanoTime();
          outages++;
          Log.warnf(
              "%s: twin-service is unreachable at facility time %s (%s); the facility clock"
                  + " pauses and the emulator retries",
              context.job().getName(), Instant.ofEpochMilli(time), e.getMessage());
        }
        if (!progressWhilePaused(time, outageStart)) {
          outageNanos += System.nanoTime() - outageStart;
          return false;
        }
        LockSupport.parkNanos(backoff.toNanos());
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
      }
    }

    if (outageStart != 0) {
      long lasted = System.nanoTime() - outageStart;
      outageNanos += lasted;
      Log.infof(
          "%s: twin-service is reachable again after %.1f s; the facility clock resumes at %s",
          context.job().getName(), lasted / 1e9, Instant.ofEpochMilli(time));
      restartPacing(engineSeconds, outageStart);
    }
    applySetpoints(values, true);
    return true;
  }

  /** Reports the paused clock; returns false when CancelJob asked the run to end. */
  private boolean progressWhilePaused(long facilityMillis, long outageStart) {
    long now = System.nanoTime();
    if (now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
      return true;
    }
    lastProgressNanos = now;
    return progress(
        String.format(
            "twin-service unreachable for %.0f s; facility clock paused at %s",
            (now - outageStart) / 1e9, Instant.ofEpochMilli(facilityMillis)),
        lastSimulatedSeconds);
  }

  private void applySetpoints(List<PointValue> values, boolean count) {
    int k = 0;
    for (int g = 0; g < supplySetpointPoints.size(); g++) {
      if (supplySetpointPoints.get(g) == null) {
        continue;
      }
      PointValue value = values.get(k++);
      if (value.hasValue() && value.getVersion() != supplyVersion[g]) {
        if (count && value.getValue() != policy.supplySetpointC(g)) {
          changesFollowed++;
        }
        supplyVersion[g] = value.getVersion();
        policy.setSupplySetpoint(g, value.getValue());
      }
    }
    for (int g = 0; g < pumpSpeedSetpointPoints.size(); g++) {
      if (pumpSpeedSetpointPoints.get(g) == null) {
        continue;
      }
      PointValue value = values.get(k++);
      if (value.hasValue() && value.getVersion() != pumpVersion[g]) {
        double fraction = value.getValue() / 100.0;
        if (count && fraction != policy.pumpSpeed(g)) {
          changesFollowed++;
        }
        pumpVersion[g] = value.getVersion();
        policy.setPumpSpeed(g, fraction);
      }
    }
  }

  /** Sleeps until wall time catches up with simulated time over the speed-up. */
  private void pace(double simSeconds) {
    long target = wallBaseNanos + (long) ((simSeconds - simBaseSeconds) / speedUp * 1e9);
    long now = System.nanoTime();
    if (now < target) {
      LockSupport.parkNanos(target - now);
    } else {
      maxLagSeconds = Math.max(maxLagSeconds, (now - target) / 1e9 * speedUp);
    }
  }

  /** Closes the paced span at the outage's start and starts a new one at the present. */
  private void restartPacing(double simSeconds, long outageStartNanos) {
    closePacedSpan(simSeconds, outageStartNanos);
    wallBaseNanos = System.nanoTime();
    simBaseSeconds = simSeconds;
  }

  private void closePacedSpan(double simSeconds, long wallEndNanos) {
    pacedSimSeconds += simSeconds - simBaseSeconds;
    pacedWallNanos += Math.max(0, wallEndNanos - wallBaseNanos);
  }

  private boolean report(double simSeconds) {
    long now = System.nanoTime();
    if (now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
      return true;
    }
    lastProgressNanos = now;
    return progress(
        String.format(
            "emulating at %.0fx: %d samples accepted, %d rejected, %d setpoint changes followed",
            speedUp, stream.accepted(), stream.rejected(), changesFollowed),
        simSeconds);
  }

  /** Reports progress; returns false, and marks the run cancelled, on CancelJob. */
  private boolean progress(String message, double simSeconds) {
    double fraction = open ? 0.0 : Math.min(1.0, simSeconds / durationSeconds);
    try {
      context.progress(
          fraction, message, Instant.ofEpochMilli(startMillis + Math.round(simSeconds * 1000.0)));
      return true;
    } catch (JobCancelledException e) {
      if (e.stopCause() == JobCancelledException.Cause.CANCEL_REQUESTED) {
        cancelled = true;
        return false;
      }
      throw e;
    }
  }

  /** Ends the paced span at the run's end. */
  void finish(double simSeconds) {
    closePacedSpan(simSeconds, System.nanoTime());
  }

  boolean cancelled() {
    return cancelled;
  }

  long changesFollowed() {
    return changesFollowed;
  }

  int outages() {
    return outages;
  }

  double outageSeconds() {
    return outageNanos / 1e9;
  }

  /** Simulated seconds per wall second over the paced spans, outages excluded. */
  double achievedSpeedUp() {
    return pacedWallNanos == 0 ? 0.0 : pacedSimSeconds / (pacedWallNanos / 1e9);
  }

  /** Wall time spent sending telemetry and reading setpoints, outages included, in s. */
  double twinSeconds() {
    return twinNanos / 1e9;
  }

  /** Wall time spent in successful setpoint reads, in s; part of {@link #twinSeconds()}. */
  double setpointSeconds() {
    return setpointNanos / 1e9;
  }

  /** Largest lag behind the paced schedule, in simulated seconds. */
  double maxLagSeconds() {
    return maxLagSeconds;
  }

  /** Facility time of the next sample, in ms since the epoch. */
  long nextSampleMillis() {
    return startMillis + Math.round(nextSampleSeconds * 1000.0);
  }
}
