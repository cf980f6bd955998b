package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
}
