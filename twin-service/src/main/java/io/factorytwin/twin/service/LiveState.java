package io.factorytwin.twin.service;

import io.factorytwin.twin.graph.PointTemplate;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.v1.IngestRejectReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live values of one twin revision, held by the replica that owns the twin: the latest value of
 * every point, a ring of recent samples per point, the open one-minute roll-up of every point, and
 * the facility clock. Arrays are indexed by point number (see {@link TwinGraph}), so a million
 * points cost no object per point.
 *
 * <p>Writers hold the monitor of this object; readers read single array slots without it, which
 * shows each value either before or after a write.
 *
 * <p>History times are stored as int milliseconds from {@link #base}, the first sample's facility
 * time minus one day, which covers about 23 days of facility time ahead; a sample beyond that
 * updates the latest value and its roll-up but is not kept in the raw history.
 */
public final class LiveState {

  /** A closed one-minute roll-up, waiting to be written. */
  public record Rollup(
      int point, long minuteStartMillis, double min, double mean, double max, int count) {}

  /** A change of an insight that the rules decided, waiting to be written. */
  public record InsightEvent(
      Kind kind,
      String id,
      int point,
      int rule,
      double observed,
      double threshold,
      long firstSeen,
      long lastSeen) {

    /** What happened. */
    public enum Kind {
      OPENED,
      SEEN,
      RESOLVED
    }
  }

  /** Sink of closed roll-ups; blocks when the writer is behind, which slows ingest. */
  public interface RollupSink {
    void accept(LiveState state, List<Rollup> rollups) throws InterruptedException;
  }

  private static final long MINUTE_MS = 60_000;

  /** How far from the wall clock the first sample of a twin may be: 400 days. */
  static final long FIRST_SAMPLE_WINDOW_MS = 400L * 86_400_000;

  private static final long DAY_MS = 86_400_000;

  private final TwinGraph graph;
  private final int capacity;
  private final long maxAgeMs;
  private final long maxAheadMs;

  private final double[] latest;
  private final long[] latestTime;
  private final float[] historyValues;
  private final int[] historyTimes;
  private final int[] historyNext;
  private final int[] historyCount;

  private final int[] openMinute;
  private final double[] minuteMin;
  private final double[] minuteMax;
  private final double[] minuteSum;
  private final int[] minuteCount;

  private final double[] physicalMin;
  private final double[] physicalMax;
  private final double[] deadbands;

  // Insight rules: the rule watching each point (-1 for none), its limit on that point, since when
  // the condition is met (Long.MIN_VALUE when it does not), and the open insight's id and the
  // facility time it was last written at.
  private final byte[] rule;
  private final double[] limit;
  private final long[] conditionSince;
  private final java.util.Map<Integer, String> openInsights = new java.util.HashMap<>();
  private final java.util.Map<Integer, Long> insightWritten = new java.util.HashMap<>();

  // Setpoint deviation: the paired setpoint point of each sensor (-1 for none), its rule, the
  // current desired value of each setpoint point, and the same episode state as the limit rules.
  private final int[] pairedSetpoint;
  private final byte[] deviationRule;
  private final double[] desired;
  private final long[] deviationSince;
  private final java.util.Map<Integer, String> openDeviations = new java.util.HashMap<>();
  private final java.util.Map<Integer, Long> deviationWritten = new java.util.HashMap<>();

  // Rate of change: for the points a rate rule watches, the sample the rate is measured from.
  private static final int RATE_RULE =
      io.factorytwin.twin.graph.InsightRules.ruleId("tcs-supply-temperature-rising");
  private static final long RATE_WINDOW_MS = 60_000;
  private final boolean[] rateWatched;
  private final java.util.Map<Integer, double[]> rateAnchors = new java.util.HashMap<>();
  private final java.util.Map<Integer, String> openRates = new java.util.HashMap<>();

  // KPI rule: PUE against its expected value, evaluated after each batch.
  private static final int PUE_RULE =
      io.factorytwin.twin.graph.InsightRules.ruleId("pue-above-expected");
  private double expectedPue = Double.NaN;
  private long pueSince = Long.MIN_VALUE;
  private String openPue;

  /** Facility time between two SEEN events of one open insight. */
  private static final long SEEN_INTERVAL_MS = 60_000;

  /** KPI roles of points: what a point's value adds to. */
  public static final int KPI_IT = 1;

  public static final int KPI_FACILITY = 2;
  public static final int KPI_COOLING = 3;
  public static final int KPI_TOKENS = 4;

  private final byte[] kpiRole;
  private final double[] kpiSum = new double[5];
  private final int[] kpiReporting = new int[5];
  private long kpiTime = Long.MIN_VALUE;

  // Watch: the change log, and per point the last value sent to it and that entry's sequence.
  private final ChangeLog log;
  private final double[] published;
  private final long[] publishedSeq;

  private long base = Long.MIN_VALUE;
  private volatile long facilityClock = Long.MIN_VALUE;
  private long sweptMinute = Long.MIN_VALUE;
  private long accepted;

  public LiveState(TwinGraph graph, int historySamples, long maxAgeMs, long maxAheadMs) {
    this.graph = graph;
    this.capacity = historySamples;
    this.maxAgeMs = maxAgeMs;
    this.maxAheadMs = maxAheadMs;
    int points = graph.pointCount();
    latest = new double[points];
    latestTime = new long[points];
    Arrays.fill(latestTime, Long.MIN_VALUE);
    historyValues = new float[points * historySamples];
    historyTimes = new int[points * historySamples];
    historyNext = new int[points];
    historyCount = new int[points];
    openMinute = new int[points];
    Arrays.fill(openMinute, Integer.MIN_VALUE);
    minuteMin = new double[points];
    minuteMax = new double[points];
    minuteSum = new double[points];
    minuteCount = new int[points];
    physicalMin = new double[points];
    physicalMax = new double[points];
    deadbands = new double[points];
    rule = new byte[points];
    limit = new double[points];
    conditionSince = new long[points];
    Arrays.fill(rule, (byte) -1);
    pairedSetpoint = new int[points];
    deviationRule = new byte[points];
    desired = new double[points];
    deviationSince = new long[points];
    Arrays.fill(pairedSetpoint, -1);
    rateWatched = new boolean[points];
    Arrays.fill(deviationSince, Long.MIN_VALUE);
    kpiRole = KpiRoles.of(graph);
    log = new ChangeLog(Math.min(1 << 20, Math.max(4096, points * 4)));
    published = new double[points];
    publishedSeq = new long[points];
    Arrays.fill(conditionSince, Long.MIN_VALUE);
    for (int node = 0; node < graph.nodeCount(); node++) {
      List<PointTemplate> templates = graph.templates(node);
      for (int t = 0; t < templates.size(); t++) {
        int point = graph.firstPoint(node) + t;
        physicalMin[point] = templates.get(t).physicalMin();
        physicalMax[point] = templates.get(t).physicalMax();
        deadbands[point] = templates.get(t).deadband();
        PointTemplate template = templates.get(t);
        if (template.isSetpoint()) {
          Double value = template.defaultFor(graph.setpoints(), graph.spec(node));
          desired[point] = value == null ? Double.NaN : value;
        } else if (!template.pairedSuffix().isEmpty()) {
          int paired = graph.point(node, template.pairedSuffix());
          int deviation = io.factorytwin.twin.graph.InsightRules.deviationRuleFor(template.unit());
          if (paired >= 0 && deviation >= 0) {
            pairedSetpoint[point] = paired;
            deviationRule[point] = (byte) deviation;
          }
        }
        if (RATE_RULE >= 0
            && template
                .suffix()
                .equals(io.factorytwin.twin.graph.InsightRules.rules().get(RATE_RULE).suffix())) {
          rateWatched[point] = true;
          rateAnchors.put(point, new double[] {Double.NaN, Double.NaN});
        }
        int r = io.factorytwin.twin.graph.InsightRules.ruleFor(templates.get(t).suffix());
        if (r >= 0) {
          double value =
              io.factorytwin.twin.graph.InsightRules.rules().get(r).limit().apply(graph.spec(node));
          if (!Double.isNaN(value)) {
            rule[point] = (byte) r;
            limit[point] = value;
          }
        }
      }
    }
  }

  public ChangeLog log() {
    return log;
  }

  /** Sequence number of the point's last value change in the log; 0 when it has none. */
  public long publishedSeq(int point) {
    return publishedSeq[point];
  }

  private double deadband(int point) {
    return deadbands[point];
  }

  /**
   * Sets a point's latest value without history, roll-up or rules, when a replica rebuilds its
   * state from the database. The caller owns this object's monitor.
   */
  public void seed(int point, double value, long time) {
    if (latestTime[point] != Long.MIN_VALUE && latestTime[point] >= time) {
      return;
    }
    int role = kpiRole[point];
    if (role > 0) {
      kpiSum[role] += latestTime[point] == Long.MIN_VALUE ? value : value - latest[point];
      if (latestTime[point] == Long.MIN_VALUE) {
        kpiReporting[role]++;
      }
      kpiTime = Math.max(kpiTime, time);
    }
    latest[point] = value;
    latestTime[point] = time;
    // The seeded minute is written already, and the seeded time is its last millisecond, so no
    // later sample can fall in it.
    openMinute[point] = (int) Math.floorDiv(time, MINUTE_MS);
    minuteCount[point] = 0;
    if (facilityClock == Long.MIN_VALUE || time > facilityClock) {
      facilityClock = time;
    }
  }

  /**
   * The setpoint-deviation rule: the condition is met while the value is more than the band away
   * from its setpoint, opens after the rule's duration, and resolves once the distance is below the
   * band minus the hysteresis.
   */
  private void evaluateDeviation(int point, double value, long time, List<InsightEvent> events) {
    int r = deviationRule[point];
    io.factorytwin.twin.graph.InsightRules.Rule definition =
        io.factorytwin.twin.graph.InsightRules.rules().get(r);
    double setpoint = desired[pairedSetpoint[point]];
    if (Double.isNaN(setpoint)) {
      return;
    }
    double band = definition.band();
    double distance = Math.abs(value - setpoint);
    String open = openDeviations.get(point);
    if (distance > band) {
      if (deviationSince[point] == Long.MIN_VALUE) {
        deviationSince[point] = time;
      }
      if (open == null && time - deviationSince[point] >= definition.durationMs()) {
        String id = java.util.UUID.randomUUID().toString();
        openDeviations.put(point, id);
        deviationWritten.put(point, time);
        events.add(
            new InsightEvent(
                InsightEvent.Kind.OPENED, id, point, r, value, band, deviationSince[point], time));
      } else if (open != null && time - deviationWritten.get(point) >= SEEN_INTERVAL_MS) {
        deviationWritten.put(point, time);
        events.add(
            new InsightEvent(
                InsightEvent.Kind.SEEN, open, point, r, value, band, deviationSince[point], time));
      }
    } else if (open == null) {
      deviationSince[point] = Long.MIN_VALUE;
    } else if (distance < band - definition.hysteresis()) {
      deviationSince[point] = Long.MIN_VALUE;
      openDeviations.remove(point);
      deviationWritten.remove(point);
      events.add(
          new InsightEvent(InsightEvent.Kind.RESOLVED, open, point, r, value, band, 0, time));
    }
  }

  /**
   * Carries the live values of the previous active revision over to this one, for every point id
   * both revisions have: latest value, raw history, open minute and desired setpoint value. Called
   * once, before this state serves anything, with both monitors free.
   */
  public void carryOver(LiveState previous) {
    synchronized (previous) {
      synchronized (this) {
        base = previous.base;
        facilityClock = previous.facilityClock;
        for (int point = 0; point < latest.length; point++) {
          int old = previous.graph.point(graph.pointId(point));
          if (old < 0) {
            continue;
          }
          desired[point] = previous.desired[old];
          if (previous.latestTime[old] == Long.MIN_VALUE) {
            continue;
          }
          latest[point] = previous.latest[old];
          latestTime[point] = previous.latestTime[old];
          int count = Math.min(capacity, previous.historyCount[old]);
          int first =
              (previous.historyNext[old] - previous.historyCount[old] + previous.capacity)
                  % previous.capacity;
          int skip = previous.historyCount[old] - count;
          for (int i = 0; i < count; i++) {
            int from = old * previous.capacity + (first + skip + i) % previous.capacity;
            historyValues[point * capacity + i] = previous.historyValues[from];
            historyTimes[point * capacity + i] = previous.historyTimes[from];
          }
          historyCount[point] = count;
          historyNext[point] = count % capacity;
          openMinute[point] = previous.openMinute[old];
          minuteMin[point] = previous.minuteMin[old];
          minuteMax[point] = previous.minuteMax[old];
          minuteSum[point] = previous.minuteSum[old];
          minuteCount[point] = previous.minuteCount[old];
          // The previous state's open minute moves here, so it is written once, by this state.
          previous.minuteCount[old] = 0;
          int role = kpiRole[point];
          if (role > 0) {
            kpiSum[role] += latest[point];
            kpiReporting[role]++;
            kpiTime = Math.max(kpiTime, latestTime[point]);
          }
        }
      }
    }
  }

  /**
   * The rate-of-change rule: the rise since the anchor sample, once at least a minute of facility
   * time has passed, in units per minute. Above the limit it opens at once, since the minute is its
   * duration; below the limit minus the hysteresis it resolves. The anchor then moves on.
   */
  private void evaluateRate(int point, double value, long time, List<InsightEvent> events) {
    double[] anchor = rateAnchors.get(point);
    if (Double.isNaN(anchor[0])) {
      anchor[0] = time;
      anchor[1] = value;
      return;
    }
    long elapsed = time - (long) anchor[0];
    if (elapsed < RATE_WINDOW_MS) {
      return;
    }
    double perMinute = (value - anchor[1]) / (elapsed / 60_000.0);
    long since = (long) anchor[0];
    anchor[0] = time;
    anchor[1] = value;
    io.factorytwin.twin.graph.InsightRules.Rule definition =
        io.factorytwin.twin.graph.InsightRules.rules().get(RATE_RULE);
    double limit = definition.band();
    String open = openRates.get(point);
    if (perMinute > limit && open == null) {
      String id = java.util.UUID.randomUUID().toString();
      openRates.put(point, id);
      events.add(
          new InsightEvent(
              InsightEvent.Kind.OPENED, id, point, RATE_RULE, perMinute, limit, since, time));
    } else if (open != null && perMinute < limit - definition.hysteresis()) {
      openRates.remove(point);
      events.add(
          new InsightEvent(
              InsightEvent.Kind.RESOLVED, open, point, RATE_RULE, perMinute, limit, 0, time));
    }
  }

  /** Sets the PUE the KPI rule compares with; NaN turns the rule off. */
  public synchronized void expectedPue(double value) {
    expectedPue = value;
  }

  /**
   * The KPI rule: PUE more than the band above the expected value for the rule's duration on the
   * facility clock. Evaluated once per batch, after its samples; the caller owns the monitor.
   */
  public void evaluateKpis(List<InsightEvent> events) {
    if (PUE_RULE < 0 || Double.isNaN(expectedPue)) {
      return;
    }
    KpiValues kpis = kpisUnlocked();
    if (kpis.pue() == null) {
      return;
    }
    io.factorytwin.twin.graph.InsightRules.Rule definition =
        io.factorytwin.twin.graph.InsightRules.rules().get(PUE_RULE);
    double limit = expectedPue + definition.band();
    int point = graph.point(0, "pue");
    long time = kpis.facilityTime();
    if (kpis.pue() > limit) {
      if (pueSince == Long.MIN_VALUE) {
        pueSince = time;
      }
      if (openPue == null && time - pueSince >= definition.durationMs()) {
        openPue = java.util.UUID.randomUUID().toString();
        events.add(
            new InsightEvent(
                InsightEvent.Kind.OPENED,
                openPue,
                point,
                PUE_RULE,
                kpis.pue(),
                limit,
                pueSince,
                time));
      }
    } else if (openPue == null) {
      pueSince = Long.MIN_VALUE;
    } else if (kpis.pue() < limit - definition.hysteresis()) {
      events.add(
          new InsightEvent(
              InsightEvent.Kind.RESOLVED, openPue, point, PUE_RULE, kpis.pue(), limit, 0, time));
      openPue = null;
      pueSince = Long.MIN_VALUE;
    }
  }

  /** The live KPIs; a figure is null until the points it needs have reported. */
  public record KpiValues(
      long facilityTime,
      Double pue,
      Double tokensPerWatt,
      Double tokensPerSecond,
      Double itPowerKw,
      Double coolingPowerKw,
      Double facilityPowerKw) {}

  public synchronized KpiValues kpis() {
    return kpisUnlocked();
  }

  private KpiValues kpisUnlocked() {
    Double it = kpiReporting[KPI_IT] > 0 ? kpiSum[KPI_IT] : null;
    Double facility = kpiReporting[KPI_FACILITY] > 0 ? kpiSum[KPI_FACILITY] : null;
    Double cooling = kpiReporting[KPI_COOLING] > 0 ? kpiSum[KPI_COOLING] : null;
    Double tokens = kpiReporting[KPI_TOKENS] > 0 ? kpiSum[KPI_TOKENS] : null;
    Double pue = it != null && facility != null && it > 0 ? facility / it : null;
    // Tokens per second over watts is tokens per joule; facility power is in kW.
    Double perWatt =
        tokens != null && facility != null && facility > 0 ? tokens / (facility * 1000) : null;
    return new KpiValues(kpiTime, pue, perWatt, tokens, it, cooling, facility);
  }

  /** Returns the limit a rule applies to a point, or NaN when no rule watches it. */
  public double limit(int point) {
    return rule[point] < 0 ? Double.NaN : limit[point];
  }

  /** Number of insights open or acknowledged, as the rules see them. */
  public synchronized int openInsightCount() {
    return openInsights.size()
        + openDeviations.size()
        + openRates.size()
        + (openPue == null ? 0 : 1);
  }

  /**
   * Evaluates the point's rule after an accepted sample. ABOVE_LIMIT: the condition is met while
   * the value is above the limit; it opens once it has held for the rule's duration, stays open
   * while the value is within the hysteresis below the limit, and resolves below limit minus
   * hysteresis. BELOW_LIMIT mirrors it.
   */
  /** Returns the desired value of a setpoint point, or NaN for a setpoint without a default. */
  public synchronized double desiredValue(int point) {
    return desired[point];
  }

  /**
   * Sets the desired value of a setpoint point, as ApplySetpoint wrote it or the database stores
   * it.
   */
  public synchronized void desired(int point, double value) {
    desired[point] = value;
  }

  private void evaluate(int point, double value, long time, List<InsightEvent> events) {
    if (events != null && pairedSetpoint[point] >= 0) {
      evaluateDeviation(point, value, time, events);
    }
    if (events != null && rateWatched[point]) {
      evaluateRate(point, value, time, events);
    }
    int r = rule[point];
    if (r < 0 || events == null) {
      return;
    }
    io.factorytwin.twin.graph.InsightRules.Rule definition =
        io.factorytwin.twin.graph.InsightRules.rules().get(r);
    double threshold = limit[point];
    boolean beyond = definition.above() ? value > threshold : value < threshold;
    boolean cleared =
        definition.above()
            ? value < threshold - definition.hysteresis()
            : value > threshold + definition.hysteresis();
    String open = openInsights.get(point);
    if (beyond) {
      if (conditionSince[point] == Long.MIN_VALUE) {
        conditionSince[point] = time;
      }
      if (open == null && time - conditionSince[point] >= definition.durationMs()) {
        String id = java.util.UUID.randomUUID().toString();
        openInsights.put(point, id);
        insightWritten.put(point, time);
        events.add(
            new InsightEvent(
                InsightEvent.Kind.OPENED,
                id,
                point,
                r,
                value,
                threshold,
                conditionSince[point],
                time));
      } else if (open != null && time - insightWritten.get(point) >= SEEN_INTERVAL_MS) {
        insightWritten.put(point, time);
        events.add(
            new InsightEvent(
                InsightEvent.Kind.SEEN,
                open,
                point,
                r,
                value,
                threshold,
                conditionSince[point],
                time));
      }
    } else if (open == null) {
      // Not yet open: any sample inside the limit restarts the duration.
      conditionSince[point] = Long.MIN_VALUE;
    } else if (cleared) {
      conditionSince[point] = Long.MIN_VALUE;
      openInsights.remove(point);
      insightWritten.remove(point);
      events.add(
          new InsightEvent(InsightEvent.Kind.RESOLVED, open, point, r, value, threshold, 0, time));
    }
  }

  public TwinGraph graph() {
    return graph;
  }

  /**
   * Returns the facility clock in epoch milliseconds, or Long.MIN_VALUE before the first sample.
   */
  public long facilityClock() {
    return facilityClock;
  }

  public long acceptedSamples() {
    return accepted;
  }

  /** Returns the latest value, or NaN when the point has none. */
  public double latest(int point) {
    return latestTime[point] == Long.MIN_VALUE ? Double.NaN : latest[point];
  }

  /** Facility time of the latest value, or Long.MIN_VALUE when the point has none. */
  public long latestTime(int point) {
    return latestTime[point];
  }

  /**
   * Checks and stores one sample; the caller owns this object's monitor. Returns null when
   * accepted, else the reason.
   */
  public IngestRejectReason offer(
      int point, double value, long time, List<Rollup> closed, List<InsightEvent> insights) {
    if (!Double.isFinite(value)) {
      return IngestRejectReason.INGEST_REJECT_REASON_NON_FINITE;
    }
    if (value < physicalMin[point] || value > physicalMax[point]) {
      return IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_PHYSICAL_RANGE;
    }
    long clock = facilityClock;
    if (clock != Long.MIN_VALUE) {
      if (time < clock - maxAgeMs) {
        return IngestRejectReason.INGEST_REJECT_REASON_STALE;
      }
      if (time > clock + maxAheadMs) {
        return IngestRejectReason.INGEST_REJECT_REASON_TOO_FAR_AHEAD;
      }
    } else if (Math.abs(time - System.currentTimeMillis()) > FIRST_SAMPLE_WINDOW_MS) {
      // The first sample sets the clock, and nothing can move it back: one far off would make
      // every real sample after it stale. Plant emulation may run ahead of the wall clock or
      // replay a past year, so the window is wide.
      return time > System.currentTimeMillis()
          ? IngestRejectReason.INGEST_REJECT_REASON_TOO_FAR_AHEAD
          : IngestRejectReason.INGEST_REJECT_REASON_STALE;
    }
    long previous = latestTime[point];
    double previousValue = latest[point];
    if (previous != Long.MIN_VALUE) {
      if (time == previous) {
        return IngestRejectReason.INGEST_REJECT_REASON_DUPLICATE;
      }
      if (time < previous) {
        return IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_ORDER;
      }
    }
    int minute = (int) Math.floorDiv(time, MINUTE_MS);
    if (openMinute[point] != Integer.MIN_VALUE && minute < openMinute[point]) {
      // The sweep already closed this point's minute: a late sample would write its roll-up twice.
      return IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_ORDER;
    }
    latest[point] = value;
    latestTime[point] = time;
    int role = kpiRole[point];
    if (role > 0) {
      // Running sums make every KPI O(1) per sample instead of a sum over all racks per read.
      if (previous == Long.MIN_VALUE) {
        kpiReporting[role]++;
        kpiSum[role] += value;
      } else {
        kpiSum[role] += value - previousValue;
      }
      kpiTime = Math.max(kpiTime, time);
    }
    if (base == Long.MIN_VALUE) {
      base = time - DAY_MS;
    }
    long offset = time - base;
    if (offset >= 0 && offset <= Integer.MAX_VALUE) {
      int slot = point * capacity + historyNext[point];
      historyValues[slot] = (float) value;
      historyTimes[slot] = (int) offset;
      historyNext[point] = (historyNext[point] + 1) % capacity;
      if (historyCount[point] < capacity) {
        historyCount[point]++;
      }
    }
    if (minute != openMinute[point] || minuteCount[point] == 0) {
      close(point, closed);
      openMinute[point] = minute;
      minuteMin[point] = value;
      minuteMax[point] = value;
      minuteSum[point] = value;
      minuteCount[point] = 1;
    } else {
      minuteMin[point] = Math.min(minuteMin[point], value);
      minuteMax[point] = Math.max(minuteMax[point], value);
      minuteSum[point] += value;
      minuteCount[point]++;
    }
    if (clock == Long.MIN_VALUE || time > clock) {
      facilityClock = time;
    }
    evaluate(point, value, time, insights);
    if (publishedSeq[point] == 0 || Math.abs(value - published[point]) >= deadband(point)) {
      published[point] = value;
      publishedSeq[point] = log.appendValue(point, value, time);
    }
    accepted++;
    return null;
  }

  /**
   * Closes every open minute that ended more than one minute before the facility clock, so a point
   * that stops reporting still has its roll-up written within the next minute. The caller owns this
   * object's monitor.
   */
  public void sweep(List<Rollup> closed) {
    long clock = facilityClock;
    if (clock == Long.MIN_VALUE) {
      return;
    }
    long clockMinute = Math.floorDiv(clock, MINUTE_MS);
    if (clockMinute <= sweptMinute) {
      return;
    }
    sweptMinute = clockMinute;
    for (int point = 0; point < openMinute.length; point++) {
      if (minuteCount[point] > 0 && openMinute[point] < clockMinute - 1) {
        close(point, closed);
      }
    }
  }

  /** Closes every open minute, at shutdown or when ownership moves. */
  public void closeAll(List<Rollup> closed) {
    for (int point = 0; point < openMinute.length; point++) {
      close(point, closed);
    }
  }

  private void close(int point, List<Rollup> closed) {
    if (minuteCount[point] == 0) {
      return;
    }
    closed.add(
        new Rollup(
            point,
            openMinute[point] * MINUTE_MS,
            minuteMin[point],
            minuteSum[point] / minuteCount[point],
            minuteMax[point],
            minuteCount[point]));
    minuteCount[point] = 0;
  }

  /** One raw sample of the history. */
  public record Sample(long time, double value) {}

  /** Raw samples of a point in [from, to), oldest first. */
  public synchronized List<Sample> history(int point, long from, long to) {
    List<Sample> samples = new ArrayList<>();
    int count = historyCount[point];
    int first = (historyNext[point] - count + capacity) % capacity;
    for (int i = 0; i < count; i++) {
      int slot = point * capacity + (first + i) % capacity;
      long time = base + historyTimes[slot];
      if (time >= from && time < to) {
        samples.add(new Sample(time, historyValues[slot]));
      }
    }
    return samples;
  }

  /** The raw samples of a point in [from, to] as arrays, oldest first. */
  public synchronized TwinUsdWriter.Samples samples(int point, long from, long to) {
    List<Sample> held = history(point, from, to + 1);
    long[] times = new long[held.size()];
    double[] values = new double[held.size()];
    for (int i = 0; i < held.size(); i++) {
      times[i] = held.get(i).time();
      values[i] = held.get(i).value();
    }
    return new TwinUsdWriter.Samples(times, values);
  }

  /** Number of raw samples held for a point. */
  public int historySize(int point) {
    return historyCount[point];
  }
}
