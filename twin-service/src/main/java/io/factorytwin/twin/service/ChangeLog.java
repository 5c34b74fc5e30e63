package io.factorytwin.twin.service;

import com.google.protobuf.Message;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recent changes of one twin revision's live state, in a ring that Watch streams read with
 * their own cursors. Every change has a sequence number; a value change takes no object, so
 * recording a million value changes a second costs array writes only. When the ring wraps, the
 * oldest changes are gone: a reader behind them is told whether only value changes were lost (it
 * lagged, and gets the latest values instead) or also other events (its position expired).
 */
public final class ChangeLog {

  /** Kinds of entries. */
  public static final byte VALUE = 0;

  public static final byte SETPOINT = 1;
  public static final byte INSIGHT = 2;
  public static final byte REVISION = 3;

  private final String epoch = UUID.randomUUID().toString();
  private final int mask;
  private final byte[] kinds;
  private final int[] points;
  private final double[] values;
  private final long[] times;
  private final Message[] messages;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Sequence number of the newest entry; entries are numbered from 1. */
  private volatile long head;

  /** Sequence number of the newest non-value entry that the ring overwrote. */
  private long lostOther;

  private volatile boolean retired;

  /** A ring of at least the given number of entries, rounded up to a power of two. */
  public ChangeLog(int capacity) {
    int size = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
    mask = size - 1;
    kinds = new byte[size];
    points = new int[size];
    values = new double[size];
    times = new long[size];
    messages = new Message[size];
  }

  /** Identifies this log in resume tokens: tokens of another log, or an older process, expire. */
  public String epoch() {
    return epoch;
  }

  public long head() {
    return head;
  }

  /** Sequence number of the oldest entry still held. */
  public synchronized long oldest() {
    return Math.max(1, head - mask);
  }

  public int capacity() {
    return mask + 1;
  }

  public synchronized long appendValue(int point, double value, long time) {
    return append(VALUE, point, value, time, null);
  }

  /** Appends a setpoint, insight or revision event about a point (-1 for none). */
  public synchronized long appendEvent(byte kind, int point, Message message) {
    return append(kind, point, 0, 0, message);
  }

  private long append(byte kind, int point, double value, long time, Message message) {
    long seq = head + 1;
    int slot = (int) (seq & mask);
    if (seq > mask + 1 && kinds[slot] != VALUE) {
      lostOther = seq - (mask + 1);
    }
    kinds[slot] = kind;
    points[slot] = point;
    values[slot] = value;
    times[slot] = time;
    messages[slot] = message;
    head = seq;
    return seq;
  }

  /** True when a non-value entry after the given position has been overwritten. */
  public synchronized boolean lostEventsAfter(long position) {
    return lostOther > position;
  }

  /** A copy of one entry. */
  public record Entry(long seq, byte kind, int point, double value, long time, Message message) {}

  /**
   * Copies the entries after a position, at most max of them, into the list. Returns false when the
   * position is older than the oldest entry held.
   */
  public synchronized boolean read(long after, int max, List<Entry> into) {
    if (after + 1 < oldest() && head > 0) {
      return false;
    }
    for (long seq = after + 1; seq <= head && into.size() < max; seq++) {
      int slot = (int) (seq & mask);
      into.add(
          new Entry(seq, kinds[slot], points[slot], values[slot], times[slot], messages[slot]));
    }
    return true;
  }

  /** Marks the log as ended: its revision is no longer active, readers move to the new one. */
  public void retire() {
    retired = true;
    signal();
  }

  public boolean retired() {
    return retired;
  }

  public void listen(Runnable listener) {
    listeners.add(listener);
  }

  public void unlisten(Runnable listener) {
    listeners.remove(listener);
  }

  /** Wakes the readers; called after a batch of appends, outside any lock. */
  public void signal() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }
}
