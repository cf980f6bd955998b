package dev.mirrorgate.webhook.deploy;

import dev.mirrorgate.common.update.UpdateDecision;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The latest decisions of this replica, newest first, for the UI and API ({@code GET
 * /api/v1/decisions}): a bounded ring, so memory does not grow with time. The durable record is the
 * ImageUpdate objects; this also shows what was decided not to do, and why.
 */
public final class DecisionLog {
  /** One decision about one workload container. */
  public record Decided(
      Instant at,
      String namespace,
      String kind,
      String workload,
      String trigger,
      UpdateDecision decision) {}

  private final int capacity;
  private final Deque<Decided> entries = new ArrayDeque<>();
  private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public DecisionLog(int capacity) {
    this.capacity = capacity;
  }

  public void record(Decided decided) {
    synchronized (this) {
      entries.addFirst(decided);
      while (entries.size() > capacity) {
        entries.removeLast();
      }
    }
    listeners.forEach(Runnable::run);
  }

  /** Runs {@code listener} after each decision recorded (it must not block). */
  public void onRecord(Runnable listener) {
    listeners.add(listener);
  }

  /** The newest {@code limit} decisions, newest first. */
  public synchronized List<Decided> newest(int limit) {
    List<Decided> newest = new ArrayList<>(Math.min(limit, entries.size()));
    for (Decided decided : entries) {
      if (newest.size() == limit) {
        break;
      }
      newest.add(decided);
    }
    return newest;
  }
}
