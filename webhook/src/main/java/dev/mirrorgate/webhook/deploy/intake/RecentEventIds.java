package dev.mirrorgate.webhook.deploy.intake;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The event ids this replica took recently, so a redelivered event is processed once: at most
 * {@code capacity} ids, each for at most {@code ttl} after it was first taken (the oldest is
 * forgotten first). A registry redelivers an event when an answer did not reach it in time, within
 * seconds to minutes; an id older than that is processed again (the rollout side is idempotent: the
 * same digest changes nothing).
 */
final class RecentEventIds {
  /** The bound the controller uses: 8,192 ids (about 1.2 MiB of heap when full) ... */
  static final int CAPACITY = 8192;

  /** ... each remembered at most 10 minutes. */
  static final Duration TTL = Duration.ofMinutes(10);

  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Long> taken = new LinkedHashMap<>();

  RecentEventIds(int capacity, Duration ttl, LongSupplier nanoTime) {
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  /** True when {@code id} is new (and remembers it); false for a recent duplicate. */
  synchronized boolean claim(String id) {
    long now = nanoTime.getAsLong();
    expire(now);
    if (taken.containsKey(id)) {
      return false;
    }
    taken.put(id, now);
    if (taken.size() > capacity) {
      Iterator<String> oldest = taken.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** Forgets {@code id}: it was claimed but not taken (the sink refused it). */
  synchronized void release(String id) {
    taken.remove(id);
  }

  synchronized int size() {
    expire(nanoTime.getAsLong());
    return taken.size();
  }

  /** Drops the ids older than the ttl: insertion order is age order, so from the front. */
  private void expire(long now) {
    Iterator<Map.Entry<String, Long>> entries = taken.entrySet().iterator();
    while (entries.hasNext()) {
      if (now - entries.next().getValue() < ttlNanos) {
        return;
      }
      entries.remove();
    }
  }
}
