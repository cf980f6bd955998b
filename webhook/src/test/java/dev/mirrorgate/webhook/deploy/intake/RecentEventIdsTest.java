package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentEventIdsTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void anIdIsNewOnceThenADuplicate() {
    RecentEventIds ids = new RecentEventIds(4, Duration.ofMinutes(10), now::get);

    assertThat(ids.claim("a")).isTrue();
    assertThat(ids.claim("a")).isFalse();
    assertThat(ids.claim("b")).isTrue();
    assertThat(ids.size()).isEqualTo(2);
  }

  @Test
  void theOldestIdIsForgottenPastTheCapacity() {
    RecentEventIds ids = new RecentEventIds(3, Duration.ofMinutes(10), now::get);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      assertThat(ids.claim(id)).isTrue();
    }

    assertThat(ids.size()).isEqualTo(3);
    assertThat(ids.claim("b")).as("still remembered").isFalse();
    assertThat(ids.claim("a")).as("forgotten: the oldest").isTrue();
  }

  @Test
  void anIdIsForgottenOnceItsTimeIsUp() {
    RecentEventIds ids = new RecentEventIds(100, Duration.ofSeconds(10), now::get);
    ids.claim("a");
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    ids.claim("b");

    now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
    assertThat(ids.claim("a")).as("just inside its 10 s").isFalse();
    now.addAndGet(1);
    assertThat(ids.claim("a")).as("10 s after it was first taken").isTrue();
    assertThat(ids.claim("b")).isFalse();
  }

  @Test
  void aReleasedIdIsNewAgain() {
    RecentEventIds ids = new RecentEventIds(10, Duration.ofMinutes(1), now::get);
    ids.claim("a");
    ids.release("a");

    assertThat(ids.claim("a")).isTrue();
  }

  /**
   * Random claims, releases and passing time against a plain model of the rule: a list in the order
   * taken, a released id a hole that still holds its place until the list passes it.
   */
  @Test
  void behavesAsTheModelUnderRandomOperations() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      int capacity = 1 + random.nextInt(40);
      long ttl = 1 + random.nextInt(50);
      RecentEventIds ids = new RecentEventIds(capacity, Duration.ofNanos(ttl), now::get);
      List<Object[]> model = new ArrayList<>(); // {id, takenAt, held}
      for (int step = 0; step < 2_000; step++) {
        String id = "event-" + random.nextInt(3 * capacity);
        int what = random.nextInt(10);
        if (what == 0) {
          now.addAndGet(random.nextInt((int) ttl + 1));
        } else if (what == 1) {
          ids.release(id);
          model.stream().filter(e -> e[0].equals(id) && (boolean) e[2]).forEach(e -> e[2] = false);
        } else {
          long at = now.get();
          while (!model.isEmpty()
              && (!(boolean) model.get(0)[2] || at - (long) model.get(0)[1] >= ttl)) {
            model.remove(0);
          }
          boolean fresh = model.stream().noneMatch(e -> e[0].equals(id) && (boolean) e[2]);
          if (fresh) {
            if (model.size() == capacity) {
              model.remove(0);
            }
            model.add(new Object[] {id, at, true});
          }
          assertThat(ids.claim(id)).as("round %d step %d: %s", round, step, id).isEqualTo(fresh);
        }
      }
      long at = now.get();
      long held = model.stream().filter(e -> (boolean) e[2] && at - (long) e[1] < ttl).count();
      assertThat(ids.size()).isEqualTo(held);
    }
  }

  /** Claiming allocates nothing per id (the ids themselves are the caller's). */
  @Test
  void claimingAllocatesNothingPerId() {
    RecentEventIds ids =
        new RecentEventIds(RecentEventIds.CAPACITY, RecentEventIds.TTL, System::nanoTime);
    String[] events = new String[50_000];
    for (int i = 0; i < events.length; i++) {
      events[i] = "3f6c1a2e-" + i + "-4b1d-9a7e-" + (i * 7919);
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (String event : events) {
      ids.claim(event); // warm-up, and fills the ring past its capacity
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (String event : events) {
      ids.claim(event);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).as("bytes for %d claims", events.length).isLessThan(64 * 1024);
  }
}
