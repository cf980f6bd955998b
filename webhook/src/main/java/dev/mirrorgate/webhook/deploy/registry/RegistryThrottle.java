package dev.mirrorgate.webhook.deploy.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fast mirrorgate may talk to each registry: a token bucket per registry (by API host, so
 * {@code docker.io} and {@code index.docker.io} share one), and a pause while a registry's {@code
 * Retry-After} runs (after a 429 or 503 with that header, every request to the registry fails fast
 * until then, whichever repository it is for).
 */
public final class RegistryThrottle {

  /**
   * A request-rate limit.
   *
   * @param perSecond sustained requests per second
   * @param burst requests allowed at once
   */
  public record Limit(double perSecond, int burst) {
    /**
     * 5 requests per second, bursts of 10: a poll of a repository is one tags listing (a page per
     * 1000 tags) and a manifest HEAD per tag whose digest matters, so this polls dozens of
     * repositories of one registry each minute while staying far below what public registries
     * tolerate (their limits count manifest GETs, which we avoid).
     */
    public static final Limit DEFAULT = new Limit(5, 10);
  }

  /** The longest {@code Retry-After} honoured; a registry asking for more is retried then. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final Limit limit;
  private final Duration maxWait;
  private final Clock clock;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

  /**
   * @param limit the limit per registry
   * @param maxWait the longest a request waits for its turn; past that it fails as rate-limited
   */
  public RegistryThrottle(Limit limit, Duration maxWait, Clock clock) {
    this.limit = limit;
    this.maxWait = maxWait;
    this.clock = clock;
  }

  /**
   * Admits one request to {@code registry} (an API {@code host[:port]}): how long to wait before
   * sending it.
   *
   * @throws RegistryException ({@code RATE_LIMITED}) while the registry's {@code Retry-After} runs,
   *     or when the wait would exceed the maximum
   */
  public Duration admit(String registry) throws RegistryException {
    Instant now = clock.instant();
    Optional<Instant> paused = pausedUntil(registry);
    if (paused.isPresent()) {
      Duration left = Duration.between(now, paused.get());
      throw new RegistryException(
          new RegistryError(
              RegistryError.Kind.RATE_LIMITED,
              registry + " asked us to wait (Retry-After) until " + paused.get(),
              left));
    }
    TokenBucket bucket =
        buckets.computeIfAbsent(
            registry, r -> new TokenBucket(limit.perSecond(), limit.burst(), now));
    Optional<Duration> wait;
    synchronized (bucket) {
      wait = bucket.reserve(now, maxWait);
    }
    if (wait.isEmpty()) {
      throw new RegistryException(
          new RegistryError(
              RegistryError.Kind.RATE_LIMITED,
              "mirrorgate's limit of "
                  + limit.perSecond()
                  + " requests/s to "
                  + registry
                  + " is exhausted for more than "
                  + maxWait,
              maxWait));
    }
    return wait.get();
  }

  /** Pauses requests to {@code registry} for {@code duration} (capped at one hour). */
  public void pause(String registry, Duration duration) {
    Duration capped = duration.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : duration;
    Instant until = clock.instant().plus(capped);
    pausedUntil.merge(registry, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Until when {@code registry}'s {@code Retry-After} runs, if it still does. */
  public Optional<Instant> pausedUntil(String registry) {
    Instant until = pausedUntil.get(registry);
    if (until == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(until)) {
      pausedUntil.remove(registry, until);
      return Optional.empty();
    }
    return Optional.of(until);
  }
}
