package dev.mirrorgate.webhook.deploy.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}. A request reserves
 * a token and waits until it is due (tokens may go negative: later requests queue behind earlier
 * ones), as Go's {@code rate.Limiter.Reserve} does. Not thread-safe; time comes in as values.
 */
public final class TokenBucket {
  private final double perSecond;
  private final int burst;
  private double tokens;
  private Instant last;

  public TokenBucket(double perSecond, int burst, Instant now) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs perSecond > 0 and burst >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Reserves one request at {@code now}: how long it must wait (zero when a token is there), or
   * empty, reserving nothing, when that wait would exceed {@code maxWait}.
   */
  public Optional<Duration> reserve(Instant now, Duration maxWait) {
    if (now.isAfter(last)) {
      double elapsed = Duration.between(last, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + elapsed * perSecond);
      last = now;
    }
    double after = tokens - 1;
    Duration wait =
        after >= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(-after / perSecond * 1e9));
    if (wait.compareTo(maxWait) > 0) {
      return Optional.empty();
    }
    tokens = after;
    return Optional.of(wait);
  }
}
