package dev.mirrorgate.common.update;

import java.util.Objects;

/**
 * What makes mirrorgate look for an update of a workload: pushes always; with {@code
 * keel.sh/trigger: poll} (or {@code mirrorgate.dev/trigger: poll}) also a poll of the registry on a
 * schedule.
 *
 * @param poll whether the registry is polled too
 * @param schedule when, for a poll; null otherwise
 */
public record Trigger(boolean poll, PollSchedule schedule) {

  /** Pushes only. */
  public static final Trigger PUSH = new Trigger(false, null);

  public Trigger {
    if (poll) {
      Objects.requireNonNull(schedule, "schedule");
    } else if (schedule != null) {
      throw new IllegalArgumentException("a push trigger has no schedule");
    }
  }

  public static Trigger poll(PollSchedule schedule) {
    return new Trigger(true, schedule);
  }

  /** {@code push} or {@code poll}, as {@code explain-update} prints it. */
  public String kind() {
    return poll ? "poll" : "push";
  }

  /** {@code push}, or {@code poll @every 1m}. */
  @Override
  public String toString() {
    return poll ? "poll " + schedule.text() : "push";
  }
}
