package dev.mirrorgate.webhook.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionsTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final Sessions sessions =
      new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12), 3, new SecureRandom());

  @Test
  void aSessionIsFoundByItsCookieValueOnly() {
    Sessions.Created created = sessions.create("alice", null, new byte[32]);
    assertThat(created.id()).hasSizeGreaterThanOrEqualTo(43); // 256 random bits, base64url
    assertThat(sessions.find(created.id())).containsSame(created.session());
    assertThat(sessions.find(created.id() + "x")).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("a".repeat(101))).isEmpty();
    assertThat(sessions.create("alice", null, new byte[32]).id()).isNotEqualTo(created.id());
  }

  /** Requests every {@code step} minutes for {@code minutes}: is the session alive at the end? */
  @ParameterizedTest(name = "a request every {0} min for {1} min: alive = {2}")
  @CsvSource({
    "1, 29, true", //   idle never reaches 30 min
    "29, 29, true",
    "30, 30, false", // idle 30 min: ended
    "31, 31, false",
    "20, 719, true", // active, just under the 12 h lifetime
    "20, 720, false", // active, but 12 h after login: ended
  })
  void sessionsEndWhenIdleOrOld(int step, int minutes, boolean alive) {
    String id = sessions.create("alice", null, new byte[32]).id();
    int elapsed = 0;
    boolean found = true;
    while (elapsed < minutes && found) {
      int next = Math.min(step, minutes - elapsed);
      clock.advance(Duration.ofMinutes(next));
      elapsed += next;
      found = sessions.find(id).isPresent();
    }
    assertThat(found).isEqualTo(alive);
  }

  @Test
  void logoutEndsTheSession() {
    String id = sessions.create("alice", null, new byte[32]).id();
    sessions.end(id);
    assertThat(sessions.find(id)).isEmpty();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void pastTheMaximumTheLeastRecentlyUsedSessionEnds() {
    String a = sessions.create("a", null, new byte[32]).id();
    clock.advance(Duration.ofSeconds(1));
    String b = sessions.create("b", null, new byte[32]).id();
    clock.advance(Duration.ofSeconds(1));
    String c = sessions.create("c", null, new byte[32]).id();
    clock.advance(Duration.ofSeconds(1));
    sessions.find(a); // a is used again: b is now the least recently used
    String d = sessions.create("d", null, new byte[32]).id();
    assertThat(sessions.size()).isEqualTo(3);
    assertThat(sessions.find(b)).isEmpty();
    assertThat(sessions.find(a)).isPresent();
    assertThat(sessions.find(c)).isPresent();
    assertThat(sessions.find(d)).isPresent();
  }

  @Test
  void aFlashMessageIsShownOnce() {
    Session session = sessions.create("alice", null, new byte[32]).session();
    session.flash("alice approved ns/x");
    assertThat(session.takeFlash()).isEqualTo("alice approved ns/x");
    assertThat(session.takeFlash()).isNull();
  }
}
