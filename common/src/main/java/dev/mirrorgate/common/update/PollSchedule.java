package dev.mirrorgate.common.update;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a poll-triggered container's registry is polled ({@code keel.sh/pollSchedule}): {@code
 * @every 5m} (a Go duration, at least one second) or a cron schedule in UTC (five fields; Keel's
 * six-field seconds-first form and {@code @hourly}, {@code @daily} and the like are read too).
 */
public sealed interface PollSchedule {

  /** Keel's default, {@code @every 1m}. */
  PollSchedule DEFAULT = new Every(Duration.ofMinutes(1), "@every 1m");

  /** The first firing strictly after {@code after}; empty when it never fires again. */
  Optional<Instant> next(Instant after);

  /** The schedule as written. */
  String text();

  /**
   * Reads a schedule.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static PollSchedule parse(String text) {
    String t = text.trim();
    if (t.startsWith("@every")) {
      String d = t.substring("@every".length()).trim();
      if (d.isEmpty()) {
        throw new IllegalArgumentException("\"@every\" needs a duration, e.g. @every 5m");
      }
      Duration interval = GoDuration.parse(d);
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("polling more often than every second is not allowed");
      }
      return new Every(interval, t);
    }
    if (t.startsWith("@")) {
      String cron =
          switch (t) {
            case "@yearly", "@annually" -> "0 0 1 1 *";
            case "@monthly" -> "0 0 1 * *";
            case "@weekly" -> "0 0 * * 0";
            case "@daily", "@midnight" -> "0 0 * * *";
            case "@hourly" -> "0 * * * *";
            default ->
                throw new IllegalArgumentException(
                    "unknown descriptor \""
                        + t
                        + "\" (known: @every DURATION, @hourly, @daily, @weekly, @monthly, @yearly)");
          };
      return new Cron(CronSchedule.parse(cron), t);
    }
    return new Cron(CronSchedule.parse(t), t);
  }

  /**
   * {@code @every DURATION}.
   *
   * @param interval time between polls
   * @param text as written
   */
  record Every(Duration interval, String text) implements PollSchedule {
    @Override
    public Optional<Instant> next(Instant after) {
      return Optional.of(after.plus(interval));
    }
  }

  /**
   * A cron schedule.
   *
   * @param schedule the schedule
   * @param text as written
   */
  record Cron(CronSchedule schedule, String text) implements PollSchedule {
    @Override
    public Optional<Instant> next(Instant after) {
      return schedule.next(after);
    }
  }
}
