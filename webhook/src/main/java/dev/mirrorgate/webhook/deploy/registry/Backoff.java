package dev.mirrorgate.webhook.deploy.registry;

import java.time.Duration;

/**
 * How long a failing repository waits before its next poll: {@code initial}, doubling with each
 * further consecutive failure, at most {@code max}; never sooner than its schedule, and never
 * sooner than the registry's {@code Retry-After}.
 *
 * @param initial after the first failure
 * @param max the longest
 */
public record Backoff(Duration initial, Duration max) {
  /** 30 seconds, doubling up to 30 minutes. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(30));

  /** The wait after {@code failures} consecutive failures (at least 1). */
  public Duration after(int failures) {
    Duration wait = initial;
    for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
