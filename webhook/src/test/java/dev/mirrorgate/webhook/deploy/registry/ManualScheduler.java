package dev.mirrorgate.webhook.deploy.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A clock and a scheduler tests move by hand: {@link #advance} runs what falls due, in order. */
final class ManualScheduler extends Clock implements Scheduler {
  private final class Task implements Scheduled {
    final Instant due;
    final Runnable run;
    boolean cancelled;

    Task(Instant due, Runnable run) {
      this.due = due;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private Instant now;
  private final List<Task> tasks = new ArrayList<>();

  ManualScheduler(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Scheduled schedule(Duration delay, Runnable task) {
    Task t = new Task(now.plus(delay), task);
    tasks.add(t);
    return t;
  }

  /** Runs what is due now (and what that schedules for now). */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves time forward, running each task when its time comes. */
  void advance(Duration by) {
    Instant end = now.plus(by);
    while (true) {
      Task next;
      synchronized (this) {
        tasks.removeIf(t -> t.cancelled);
        next =
            tasks.stream()
                .filter(t -> !t.due.isAfter(end))
                .min(Comparator.comparing(t -> t.due))
                .orElse(null);
        if (next == null) {
          now = end;
          return;
        }
        tasks.remove(next);
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.run.run();
    }
  }

  /** The tasks waiting, not cancelled. */
  synchronized int pending() {
    tasks.removeIf(t -> t.cancelled);
    return tasks.size();
  }

  synchronized Optional<Instant> nextDue() {
    tasks.removeIf(t -> t.cancelled);
    return tasks.stream().map(t -> t.due).min(Comparator.naturalOrder());
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests use UTC");
  }
}
