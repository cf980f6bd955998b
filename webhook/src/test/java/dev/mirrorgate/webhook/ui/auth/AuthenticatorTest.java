package dev.mirrorgate.webhook.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.webhook.kube.KubeException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthenticatorTest {
  /** Tokens the fake TokenReview knows; {@code down} stands for an unreachable API server. */
  static final TokenCheck TOKENS =
      token ->
          switch (token) {
            case "reader" -> Optional.of(user("system:serviceaccount:ops:reader"));
            case "stranger" -> Optional.of(user("system:serviceaccount:ops:stranger"));
            case "down" -> throw new KubeException("connection refused", null);
            default -> Optional.empty();
          };

  static final AccessCheck ACCESS =
      new AccessCheck() {
        @Override
        public boolean mayVote(KubeUser user, String namespace, String name) {
          return false;
        }

        @Override
        public boolean mayRead(KubeUser user) {
          return user.username().endsWith(":reader");
        }
      };

  static KubeUser user(String name) {
    return new KubeUser(name, "uid-" + name, List.of("system:authenticated"), Map.of());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final Sessions sessions =
      new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12), 100, new SecureRandom());
  private final LoginThrottle throttle = new LoginThrottle(clock, 5, Duration.ofSeconds(12));
  private final Authenticator authenticator =
      new Authenticator(
          new PasswordUsers(Map.of("BASIC_AUTH_USER", "alice", "BASIC_AUTH_PASSWORD", "pw")),
          TOKENS,
          ACCESS,
          sessions,
          throttle);

  /** {@code expected}: the user name, or the HTTP status of the refusal, or "missing". */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "basic alice:pw                 | alice",
        "basic alice:wrong              | 401",
        "basic nobody:pw                | 401",
        "raw Basic %%%                  | 401", //  not base64
        "raw Basic Ym9i                 | 401", //  "bob": no colon
        "raw Bearer                     | 401", //  empty token
        "raw bearer reader              | system:serviceaccount:ops:reader", // scheme without case
        "raw Bearer   reader            | system:serviceaccount:ops:reader",
        "raw Bearer forged              | 401",
        "raw Bearer stranger            | 403", // a real user who may not list imageupdates
        "raw Bearer down                | 503",
        "raw Digest username=alice      | 401",
        "none                           | missing",
      })
  void credentialsInTheAuthorizationHeader(String credentials, String expected) {
    String header =
        credentials.startsWith("basic ")
            ? basic(credentials.substring(6).split(":")[0], credentials.substring(6).split(":")[1])
            : credentials.startsWith("raw ") ? credentials.substring(4) : null;
    assertThat(describe(authenticator.authenticate(header, null, "10.0.0.1"))).isEqualTo(expected);
  }

  @Test
  void theHeaderWinsOverTheSessionCookie() {
    String id = sessions.create("bob", null, new byte[32]).id();
    assertThat(describe(authenticator.authenticate(null, id, "c"))).isEqualTo("bob");
    assertThat(describe(authenticator.authenticate(basic("alice", "pw"), id, "c")))
        .isEqualTo("alice");
    assertThat(describe(authenticator.authenticate(basic("alice", "no"), id, "c")))
        .isEqualTo("401");
    assertThat(describe(authenticator.authenticate(null, "unknown-session", "c")))
        .isEqualTo("missing");
  }

  @Test
  void aSessionCallerCarriesItsSession() {
    Sessions.Created created = sessions.create("bob", user("bob"), new byte[32]);
    Authentication.Authenticated a =
        (Authentication.Authenticated) authenticator.authenticate(null, created.id(), "c");
    assertThat(a.caller().via()).isEqualTo(Caller.Via.SESSION);
    assertThat(a.caller().session()).isSameAs(created.session());
    assertThat(a.caller().checkedByKubernetes()).isTrue();
  }

  @Test
  void aThrottledClientIsRefusedEvenWithTheRightPassword() {
    for (int i = 0; i < 5; i++) {
      assertThat(describe(authenticator.authenticate(basic("alice", "x" + i), null, "10.0.0.9")))
          .isEqualTo("401");
    }
    Authentication sixth = authenticator.authenticate(basic("alice", "pw"), null, "10.0.0.9");
    assertThat(describe(sixth)).isEqualTo("429");
    assertThat(((Authentication.Refused) sixth).retryAfter()).isEqualTo(Duration.ofSeconds(12));
    assertThat(((Authentication.Refused) sixth).message()).contains("try again in 12 s");
    // another client is not affected; after the wait this one may try again
    assertThat(describe(authenticator.authenticate(basic("alice", "pw"), null, "10.0.0.8")))
        .isEqualTo("alice");
    clock.advance(Duration.ofSeconds(12));
    assertThat(describe(authenticator.authenticate(basic("alice", "pw"), null, "10.0.0.9")))
        .isEqualTo("alice");
  }

  @ParameterizedTest(name = "[{index}] login {0}/{1} token {2}: {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "alice | pw    | null   | alice",
        "alice | nope  | null   | 401",
        "''    | ''    | null   | 401",
        "null  | null  | reader | system:serviceaccount:ops:reader",
        "alice | nope  | reader | system:serviceaccount:ops:reader", // the token is what counts
        "null  | null  | forged | 401",
      })
  void theLoginForm(String user, String password, String token, String expected) {
    assertThat(describe(authenticator.login(user, password, token, "10.0.0.1")))
        .isEqualTo(expected);
  }

  @Test
  void refusalsNameNoSecret() {
    Authentication refused = authenticator.authenticate(basic("alice", "hunter2"), null, "c");
    assertThat(((Authentication.Refused) refused).message()).doesNotContain("hunter2");
    Authentication token = authenticator.authenticate("Bearer sekrit-token", null, "c");
    assertThat(((Authentication.Refused) token).message()).doesNotContain("sekrit");
  }

  static String describe(Authentication a) {
    return switch (a) {
      case Authentication.Authenticated ok -> ok.caller().user();
      case Authentication.Refused r -> String.valueOf(r.status());
      case Authentication.Missing m -> "missing";
    };
  }
}
