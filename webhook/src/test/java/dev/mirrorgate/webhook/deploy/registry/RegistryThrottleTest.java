package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryThrottleTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void aBucketAllowsItsBurstThenPacesRequestsAtItsRate() {
    TokenBucket bucket = new TokenBucket(2, 3, T0);
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(bucket.reserve(T0, Duration.ofMinutes(1)).orElseThrow());
    }
    // three at once, then one every half second, queued behind each other
    assertThat(waits)
        .containsExactly(
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMillis(500),
            Duration.ofMillis(1000),
            Duration.ofMillis(1500));
    // after the queue drains and a second more, two tokens are back
    Instant later = T0.plusMillis(2500);
    assertThat(bucket.reserve(later, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(bucket.reserve(later, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(bucket.reserve(later, Duration.ZERO)).isEmpty();
    // refilling never exceeds the burst
    Instant much = T0.plus(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.reserve(much, Duration.ZERO)).contains(Duration.ZERO);
    }
    assertThat(bucket.reserve(much, Duration.ZERO)).isEmpty();
  }

  @Test
  void aWaitPastTheMaximumReservesNothing() {
    TokenBucket bucket = new TokenBucket(1, 1, T0);
    assertThat(bucket.reserve(T0, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(bucket.reserve(T0, Duration.ofMillis(999))).isEmpty();
    assertThat(bucket.reserve(T0, Duration.ofSeconds(1))).contains(Duration.ofSeconds(1));
  }

  @Test
  void rejectsANonsenseLimit() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachRegistryHasItsOwnBucketAndRetryAfterPausesOnlyThatRegistry() throws Exception {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    RegistryThrottle throttle =
        new RegistryThrottle(new RegistryThrottle.Limit(1, 1), Duration.ZERO, clock);
    assertThat(throttle.admit("a.io")).isZero();
    assertThat(throttle.admit("b.io")).isZero();
    assertThatThrownBy(() -> throttle.admit("a.io"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.error().kind()).isEqualTo(RegistryError.Kind.RATE_LIMITED);
              assertThat(e.error().message()).contains("mirrorgate's limit", "a.io");
            });

    RegistryThrottle paced =
        new RegistryThrottle(RegistryThrottle.Limit.DEFAULT, Duration.ofMinutes(1), clock);
    paced.pause("ghcr.io", Duration.ofSeconds(30));
    assertThat(paced.pausedUntil("ghcr.io")).contains(T0.plusSeconds(30));
    assertThatThrownBy(() -> paced.admit("ghcr.io"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error().retryAfterDuration()).contains(Duration.ofSeconds(30)));
    assertThat(paced.admit("quay.io")).isZero();
    // an absurd Retry-After is capped at an hour; a shorter one never shortens a pause
    paced.pause("quay.io", Duration.ofDays(3));
    paced.pause("quay.io", Duration.ofSeconds(1));
    assertThat(paced.pausedUntil("quay.io")).contains(T0.plus(RegistryThrottle.MAX_RETRY_AFTER));
  }

  @Test
  void aPauseEndsWhenItsTimeHasCome() throws Exception {
    Instant[] now = {T0};
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now[0];
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    RegistryThrottle throttle =
        new RegistryThrottle(RegistryThrottle.Limit.DEFAULT, Duration.ofMinutes(1), clock);
    throttle.pause("r.io", Duration.ofSeconds(10));
    now[0] = T0.plusSeconds(10);
    assertThat(throttle.pausedUntil("r.io")).isEqualTo(Optional.empty());
    assertThat(throttle.admit("r.io")).isZero();
  }
}
