package dev.mirrorgate.webhook.ui.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins, limited per client address by a token bucket: {@code burst} failures at once, then
 * one per {@code refill}. While a client's bucket is empty every credential it sends is refused
 * unchecked (429 with the time to wait). At most {@value #MAX_CLIENTS} clients are remembered.
 */
public final class LoginThrottle {
  static final int MAX_CLIENTS = 10_000;

  private final Clock clock;
  private final int burst;
  private final long refillNanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  public LoginThrottle(Clock clock, int burst, Duration refill) {
    this.clock = clock;
    this.burst = burst;
    this.refillNanos = refill.toNanos();
  }

  /** How long {@code client} must wait before it may try again; zero when it may now. */
  public Duration blockedFor(String client) {
    Bucket bucket = buckets.get(client);
    if (bucket == null) {
      return Duration.ZERO;
    }
    synchronized (bucket) {
      refill(bucket, now());
      if (bucket.tokens >= 1) {
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * refillNanos));
    }
  }

  /** Counts a failed login of {@code client}. */
  public void failed(String client) {
    long now = now();
    if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
      forgetRefilled(now);
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    synchronized (bucket) {
      refill(bucket, now);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
    }
  }

  /** How many clients are remembered. */
  int clients() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    double add = (double) (now - bucket.updated) / refillNanos;
    bucket.tokens = Math.min(burst, bucket.tokens + add);
    bucket.updated = now;
  }

  /** Drops clients whose bucket is full again; if none is, the first one found. */
  private void forgetRefilled(long now) {
    boolean removed = false;
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      synchronized (bucket) {
        refill(bucket, now);
        if (bucket.tokens >= burst) {
          it.remove();
          removed = true;
        }
      }
    }
    if (!removed) {
      Iterator<String> keys = buckets.keySet().iterator();
      if (keys.hasNext()) {
        keys.next();
        keys.remove();
      }
    }
  }

  private long now() {
    Duration since = Duration.between(java.time.Instant.EPOCH, clock.instant());
    return since.toNanos();
  }
}
