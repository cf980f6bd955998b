package dev.mirrorgate.webhook.deploy.registry;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs a task after a delay; injected so the poller's timing is testable. */
public interface Scheduler {

  /** A scheduled task that can be called off. */
  interface Scheduled {
    void cancel();
  }

  /** Runs {@code task} after {@code delay} (zero or more). */
  Scheduled schedule(Duration delay, Runnable task);

  /** On a {@link ScheduledExecutorService}. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (delay, task) -> {
      ScheduledFuture<?> future =
          executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
