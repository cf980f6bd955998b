package dev.mirrorgate.webhook.controller;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Queues one key that many changes feed (the mirrors document): at once while the loops that feed
 * it are idle, so a single change is written without delay; while they have keys waiting (a burst,
 * a cold start), at most once per {@code spacing}, so a burst of changes becomes a few writes
 * instead of one per change. Nothing is lost: a change that finds a queueing already scheduled is
 * seen by the reconcile it leads to, which reads the caches when it runs (level-triggered).
 */
public final class CoalescingTrigger implements Runnable {
  private final long spacingNanos;
  private final BooleanSupplier busy;
  private final LongSupplier nanoTime;
  private final Runnable enqueue;
  private final Consumer<Duration> enqueueAfter;
  private boolean queuedBefore;
  private long lastQueuedAt;

  /**
   * @param busy whether the loops feeding the key have keys waiting
   * @param nanoTime a monotonic clock ({@code System::nanoTime})
   * @param enqueue queues the key now
   * @param enqueueAfter queues the key after the delay
   */
  public CoalescingTrigger(
      Duration spacing,
      BooleanSupplier busy,
      LongSupplier nanoTime,
      Runnable enqueue,
      Consumer<Duration> enqueueAfter) {
    this.spacingNanos = spacing.toNanos();
    this.busy = busy;
    this.nanoTime = nanoTime;
    this.enqueue = enqueue;
    this.enqueueAfter = enqueueAfter;
  }

  /** A change the key must reflect. */
  @Override
  public void run() {
    boolean now;
    long delay = 0;
    synchronized (this) {
      long at = nanoTime.getAsLong();
      if (!queuedBefore || !busy.getAsBoolean() || at - lastQueuedAt >= spacingNanos) {
        now = true;
        lastQueuedAt = at;
      } else if (lastQueuedAt - at > 0) {
        return; // a queueing is scheduled: its reconcile will see this change
      } else {
        now = false;
        delay = lastQueuedAt + spacingNanos - at;
        lastQueuedAt += spacingNanos;
      }
      queuedBefore = true;
    }
    if (now) {
      enqueue.run();
    } else {
      enqueueAfter.accept(Duration.ofNanos(delay));
    }
  }
}
