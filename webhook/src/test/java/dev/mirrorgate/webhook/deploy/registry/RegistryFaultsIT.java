package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import dev.mirrorgate.webhook.owned.TestCa;
import dev.mirrorgate.webhook.tls.ClientTrust;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client against a misbehaving registry (a stub server: Debian's registry cannot be made to
 * misbehave): every failure is a typed error with a reason, never a hang or a crash, and a 429's
 * {@code Retry-After} pauses every request to that registry.
 */
class RegistryFaultsIT {
  static TestCa ca;
  static StubRegistry stub;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create("stub registry CA");
    stub = new StubRegistry(ca.loopback());
  }

  @AfterAll
  static void stop() {
    if (stub != null) {
      stub.close();
    }
  }

  private RegistryClient client() {
    return client(RegistryClient.Options.DEFAULT);
  }

  private RegistryClient client(RegistryClient.Options options) {
    return new RegistryClient(
        new RegistryHosts(List.of()),
        ClientTrust.of(List.of(new ClientTrust.PemBundle("stub CA", ca.pem()))),
        new RegistryThrottle(
            RegistryThrottle.Limit.DEFAULT, Duration.ofSeconds(30), Clock.systemUTC()),
        new RegistryMetrics(meters),
        Clock.systemUTC(),
        options.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "broken | SERVER_ERROR | tags: 502",
        "garbage | MALFORMED | the answer is not JSON",
        "badtags | MALFORMED | \"tags\" is not a list",
        "loop | MALFORMED | pages loop back",
        "elsewhere | MALFORMED | next page is on another host",
        "huge | MALFORMED | larger than 4194304 bytes",
        "hang | TIMEOUT | did not answer within 2s",
        "unknown | NOT_FOUND | NAME_UNKNOWN",
      })
  void aBadAnswerIsATypedErrorWithAReason(String behaviour, Kind kind, String reason) {
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.tags(stub.repository(behaviour), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(kind);
                assertThat(e.error().message()).contains(reason);
              });
    }
    assertThat(
            meters
                .get("mirrorgate.registry.requests")
                .tag("registry_class", "loopback")
                .tag("result", kind.label())
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void followsTheLinkHeaderPageByPageWithinItsBound() throws Exception {
    RegistryClient.Options pages = RegistryClient.Options.DEFAULT.withTagsPageSize(2);
    try (RegistryClient client = client(pages)) {
      int before = stub.requests().size();
      TagList all = client.tags(stub.repository("paged"), Optional.empty());
      assertThat(all.tags()).containsExactly("1.0.0", "1.1.0", "1.2.0", "2.0.0", "latest");
      assertThat(all.truncated()).isFalse();
      assertThat(stub.requests().subList(before, stub.requests().size()))
          .containsExactly(
              "GET /v2/paged/app/tags/list?n=2",
              "GET /v2/paged/app/tags/list?last=1.1.0&n=2",
              "GET /v2/paged/app/tags/list?last=2.0.0&n=2");
    }
    try (RegistryClient client = client(pages.withMaxTags(3, 100))) {
      TagList some = client.tags(stub.repository("paged"), Optional.empty());
      assertThat(some.tags()).containsExactly("1.0.0", "1.1.0", "1.2.0");
      assertThat(some.truncated()).isTrue();
    }
    try (RegistryClient client = client(pages.withMaxTags(1000, 2))) {
      TagList twoPages = client.tags(stub.repository("paged"), Optional.empty());
      assertThat(twoPages.tags()).containsExactly("1.0.0", "1.1.0", "1.2.0", "2.0.0");
      assertThat(twoPages.truncated()).isTrue();
    }
  }

  @Test
  void retryAfterPausesTheWholeRegistry() throws Exception {
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.tags(stub.repository("limited"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.RATE_LIMITED);
                assertThat(e.error().retryAfterDuration()).contains(Duration.ofSeconds(120));
              });
      int asked = stub.requests().size();
      // another repository of the same registry: refused without asking the registry
      assertThatThrownBy(() -> client.digest(stub.repository("nodigest"), "v1", Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.RATE_LIMITED);
                assertThat(e.error().retryAfter())
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(120));
              });
      assertThat(stub.requests()).hasSize(asked);
    }
    try (RegistryClient client = client()) {
      // a 503 with an HTTP-date Retry-After: capped at an hour
      assertThatThrownBy(() -> client.tags(stub.repository("unavailable"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.error().kind()).isEqualTo(Kind.RATE_LIMITED));
      assertThatThrownBy(() -> client.tags(stub.repository("broken"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e ->
                  assertThat(e.error().retryAfter())
                      .isLessThanOrEqualTo(RegistryThrottle.MAX_RETRY_AFTER)
                      .isGreaterThan(Duration.ofMinutes(59)));
    }
  }

  @Test
  void aHeadWithoutADigestFallsBackToOneGetAndHashesTheManifest() throws Exception {
    try (RegistryClient client = client()) {
      int before = stub.requests().size();
      ManifestDigest digest = client.digest(stub.repository("nodigest"), "v1", Optional.empty());
      String expected =
          "sha256:"
              + HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256")
                          .digest(
                              StubRegistry.MANIFEST.getBytes(
                                  java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(digest.digest()).isEqualTo(expected);
      assertThat(digest.fetched()).isTrue();
      assertThat(stub.requests().subList(before, stub.requests().size()))
          .containsExactly(
              "HEAD /v2/nodigest/app/manifests/v1", "GET /v2/nodigest/app/manifests/v1");

      assertThatThrownBy(() -> client.digest(stub.repository("baddigest"), "v1", Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.error().kind()).isEqualTo(Kind.MALFORMED));
      assertThatThrownBy(() -> client.digest(stub.repository("x"), "../../etc", Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.error().kind()).isEqualTo(Kind.REJECTED));
    }
  }

  @Test
  void nobodyListeningIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (RegistryClient client = client()) {
      assertThatThrownBy(
              () -> client.tags(new Repository("127.0.0.1:" + port, "a/b"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.UNREACHABLE);
                assertThat(e.error().message()).contains("127.0.0.1:" + port);
              });
    }
  }
}
