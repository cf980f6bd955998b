package dev.mirrorgate.webhook.deploy.intake;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The event ids this replica took recently, so a redelivered event is processed once: at most
 * {@code capacity} ids, each for at most {@code ttl} after it was first taken (the oldest is
 * forgotten first). A registry redelivers an event when an answer did not reach it in time, within
 * seconds to minutes; an id older than that is processed again (the rollout side is idempotent: the
 * same digest changes nothing).
 *
 * <p>Nothing is allocated per id: the ids are kept as keyed 128-bit hashes in arrays allocated once
 * (a ring in the order taken, and an open-addressing index into it). Under sustained pushes every
 * id lives about a second, and as strings in a {@code LinkedHashMap} (~140 bytes each, 8,192 of
 * them) they outlived the young generation and filled the old one with garbage: longer young pauses
 * and a heap that grew to its maximum. The hash is keyed with random bits drawn at start, so no
 * sender can aim a collision at another sender's ids; by chance, two of 8,192 different ids share
 * one with a probability of about 2<sup>-102</sup>.
 */
final class RecentEventIds {
  /** The bound the controller uses: 8,192 ids (192 KiB of ring and 64 KiB of index) ... */
  static final int CAPACITY = 8192;

  /** ... each remembered at most 10 minutes. */
  static final Duration TTL = Duration.ofMinutes(10);

  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final long key0;
  private final long key1;

  /** The ring: the ids' hashes and times in the order taken, from {@link #oldest} on. */
  private final long[] high;

  private final long[] low;
  private final long[] takenAt;

  /** False for a ring position released after it was taken: a hole until the ring passes it. */
  private final boolean[] held;

  private int oldest;
  private int used;
  private int remembered;

  /** Linear probing over ring positions: 0 is empty, else the position + 1. */
  private final int[] index;

  private final int mask;

  RecentEventIds(int capacity, Duration ttl, LongSupplier nanoTime) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
    SecureRandom random = new SecureRandom();
    this.key0 = random.nextLong();
    this.key1 = random.nextLong();
    this.high = new long[capacity];
    this.low = new long[capacity];
    this.takenAt = new long[capacity];
    this.held = new boolean[capacity];
    this.index = new int[Integer.highestOneBit(capacity * 2 - 1) << 1]; // at most half full
    this.mask = index.length - 1;
  }

  /** True when {@code id} is new (and remembers it); false for a recent duplicate. */
  synchronized boolean claim(String id) {
    long now = nanoTime.getAsLong();
    expire(now);
    long h = lane(id, key0, 0x9E3779B97F4A7C15L);
    long l = lane(id, key1, 0xC2B2AE3D27D4EB4FL);
    if (find(h, l) >= 0) {
      return false;
    }
    if (used == capacity) {
      forgetOldest();
    }
    int position = (oldest + used) % capacity;
    high[position] = h;
    low[position] = l;
    takenAt[position] = now;
    held[position] = true;
    used++;
    remembered++;
    int slot = home(h);
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = position + 1;
    return true;
  }

  /** Forgets {@code id}: it was claimed but not taken (the sink refused it). */
  synchronized void release(String id) {
    int position = find(lane(id, key0, 0x9E3779B97F4A7C15L), lane(id, key1, 0xC2B2AE3D27D4EB4FL));
    if (position >= 0) {
      unindex(position);
      held[position] = false;
      remembered--;
    }
  }

  /** How many ids are remembered now. */
  synchronized int size() {
    expire(nanoTime.getAsLong());
    return remembered;
  }

  /** Drops the ids older than the ttl, and holes: the ring's order is age order. */
  private void expire(long now) {
    while (used > 0 && (!held[oldest] || now - takenAt[oldest] >= ttlNanos)) {
      forgetOldest();
    }
  }

  private void forgetOldest() {
    if (held[oldest]) {
      unindex(oldest);
      held[oldest] = false;
      remembered--;
    }
    oldest = (oldest + 1) % capacity;
    used--;
  }

  /** The ring position holding this hash, or -1. */
  private int find(long h, long l) {
    for (int slot = home(h); index[slot] != 0; slot = (slot + 1) & mask) {
      int position = index[slot] - 1;
      if (high[position] == h && low[position] == l) {
        return position;
      }
    }
    return -1;
  }

  /** Removes a held position from the index, shifting later entries back (no tombstones). */
  private void unindex(int position) {
    int gap = home(high[position]);
    while (index[gap] != position + 1) {
      gap = (gap + 1) & mask;
    }
    index[gap] = 0;
    for (int slot = (gap + 1) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
      int wanted = home(high[index[slot] - 1]);
      // The entry may fill the gap unless its home lies cyclically in (gap, slot].
      boolean homeAfterGap =
          gap <= slot ? gap < wanted && wanted <= slot : gap < wanted || wanted <= slot;
      if (!homeAfterGap) {
        index[gap] = index[slot];
        index[slot] = 0;
        gap = slot;
      }
    }
  }

  private int home(long h) {
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** One 64-bit lane of the keyed hash: multiply-xor over the characters, then a finalizer. */
  private static long lane(String id, long key, long multiplier) {
    long h = key;
    int length = id.length();
    for (int i = 0; i < length; i++) {
      h = (h ^ id.charAt(i)) * multiplier;
      h ^= h >>> 29;
    }
    h ^= length;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }
}
