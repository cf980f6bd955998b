package dev.mirrorgate.webhook.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginThrottleTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(clock, 5, Duration.ofSeconds(12));

  @ParameterizedTest(name = "{0} failures, then {1} s: blocked for {2} s")
  @CsvSource({
    "0, 0, 0",
    "4, 0, 0", //  within the burst
    "5, 0, 12", // the burst used up: one more try in 12 s
    "5, 6, 6",
    "5, 12, 0",
    "8, 0, 12", // failures past an empty bucket do not make it negative
    "5, 60, 0",
  })
  void failuresUseTheBurstThenOnePerRefill(int failures, int seconds, int blocked) {
    for (int i = 0; i < failures; i++) {
      throttle.failed("10.0.0.1");
    }
    clock.advance(Duration.ofSeconds(seconds));
    assertThat(throttle.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(blocked));
  }

  @Test
  void clientsAreCountedApart() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("10.0.0.1");
    }
    assertThat(throttle.blockedFor("10.0.0.1")).isPositive();
    assertThat(throttle.blockedFor("10.0.0.2")).isZero();
  }

  @Test
  void aBoundedNumberOfClientsIsRemembered() {
    for (int i = 0; i < LoginThrottle.MAX_CLIENTS + 50; i++) {
      throttle.failed("client-" + i);
    }
    // every bucket still holds 4 tokens: none is full, so the oldest are dropped instead
    throttle.failed("last");
    assertThat(throttle.clients()).isLessThanOrEqualTo(LoginThrottle.MAX_CLIENTS);
    assertThat(throttle.blockedFor("last")).isZero();
  }
}
