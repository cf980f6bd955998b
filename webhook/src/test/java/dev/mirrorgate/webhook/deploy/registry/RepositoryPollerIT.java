package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mirrorgate.common.update.PollSchedule;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import dev.mirrorgate.webhook.owned.Htpasswd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller for real: the registry client, a real scheduler and virtual threads, polling Debian's
 * {@code docker-registry} behind htpasswd (credentials from a dockerconfigjson Secret) and behind
 * token auth (the test token issuer) while skopeo pushes new tags and re-pushes old ones; a
 * misbehaving stub registry and wrong credentials back off and are reported without stopping
 * anything; a poller that stops leading stops polling.
 */
class RepositoryPollerIT {
  private static final String USER = "poller";
  private static final String PASSWORD = "p0ll:er";

  @TempDir static Path dir;
  static RegistryFixture fixture;
  static TestTokenIssuer issuer;
  static StubRegistry stub;
  static StubRegistry otherStub;
  static int basic;
  static int token;

  @BeforeAll
  static void start() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo")) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/bin", binary)),
          binary + " is not installed (bash .ci/install-deps)");
    }
    fixture = new RegistryFixture(dir);
    Path htpasswd = Files.writeString(dir.resolve("htpasswd"), Htpasswd.line(USER, PASSWORD));
    basic =
        fixture.startTls(
            "basic", "auth:\n  htpasswd: {realm: basic-realm, path: %s}\n".formatted(htpasswd));
    issuer = new TestTokenIssuer(fixture.ca.loopback(), USER, PASSWORD, 300);
    token = fixture.startTls("token", issuer.registryAuth(fixture.caFile));
    stub = new StubRegistry(fixture.ca.loopback());
    otherStub = new StubRegistry(fixture.ca.loopback());
  }

  @AfterAll
  static void stop() {
    if (stub != null) {
      stub.close();
    }
    if (otherStub != null) {
      otherStub.close();
    }
    if (issuer != null) {
      issuer.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Keeps the newest listing per repository and counts every delivery. */
  static final class LatestSink implements PollSink {
    final Map<Repository, ListedTags> latest = new ConcurrentHashMap<>();
    final Map<Repository, PollStatus> failures = new ConcurrentHashMap<>();
    final AtomicInteger deliveries = new AtomicInteger();

    @Override
    public void listed(ListedTags tags) {
      latest.put(tags.repository(), tags);
      deliveries.incrementAndGet();
    }

    @Override
    public void failed(PollStatus status) {
      failures.put(status.repository(), status);
      deliveries.incrementAndGet();
    }

    Map<String, String> tags(Repository repository) {
      ListedTags listed = latest.get(repository);
      Map<String, String> out = new java.util.TreeMap<>();
      if (listed != null) {
        listed.tags().forEach(t -> out.put(t.tag(), String.valueOf(t.digest())));
      }
      return out;
    }
  }

  @Test
  void pollsProtectedRegistriesSharesOnePollerAndBacksOffWithoutStopping() throws Exception {
    String auth = USER + ":" + PASSWORD;
    String b1 = fixture.push(basic, "team/shop", "v1", "basic one", auth);
    String t1 = fixture.push(token, "team/cart", "v1", "token one", auth);
    Repository shop = new Repository("127.0.0.1:" + basic, "team/shop");
    Repository cart = new Repository("127.0.0.1:" + token, "team/cart");

    // the htpasswd registry's credentials come from a pull secret, as the lead will hand them in
    String dockerConfig =
        "{\"auths\":{\"127.0.0.1:%d\":{\"username\":\"%s\",\"password\":\"%s\"}}}"
            .formatted(basic, USER, PASSWORD);
    Optional<RegistryCredentials> shopCredentials =
        PullSecrets.resolve(
                shop,
                new PullSecrets.Sources(
                    List.of(RegistryClientIT.secret("shop-pull", dockerConfig)),
                    List.of(),
                    List.of()))
            .credentials();
    assertThat(shopCredentials).isPresent();
    Optional<RegistryCredentials> good = Optional.of(new RegistryCredentials(USER, PASSWORD));

    LatestSink sink = new LatestSink();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService polls = Executors.newVirtualThreadPerTaskExecutor();
    try (RegistryClient client = fixture.client(RegistryClient.Options.DEFAULT);
        RepositoryPoller poller =
            new RepositoryPoller(
                client,
                sink,
                Clock.systemUTC(),
                Scheduler.of(timer),
                polls,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)),
                new RegistryMetrics(fixture.meters))) {
      PollSchedule second = PollSchedule.parse("@every 1s");
      poller.watch(
          "apps/Deployment/shop/web",
          new PollRequest(shop, second, shopCredentials, true, Set.of("v1")));
      poller.watch(
          "apps/Deployment/shop-canary/web",
          new PollRequest(shop, PollSchedule.parse("@every 1h"), Optional.empty(), true, Set.of()));
      poller.watch(
          "apps/Deployment/cart/web", new PollRequest(cart, second, good, true, Set.of("v1")));
      Repository wrong = new Repository("127.0.0.1:" + basic, "team/secret");
      poller.watch(
          "apps/Deployment/intruder/web",
          new PollRequest(
              wrong, second, Optional.of(new RegistryCredentials(USER, "guess")), true, Set.of()));
      Repository limited = stub.repository("limited");
      poller.watch(
          "apps/Deployment/limited/web",
          new PollRequest(limited, second, Optional.empty(), true, Set.of()));
      // (another registry: the 429's Retry-After pauses every repository of the first stub)
      Repository broken = otherStub.repository("broken");
      poller.watch(
          "apps/Deployment/broken/web",
          new PollRequest(broken, second, Optional.empty(), true, Set.of()));
      assertThat(sink.deliveries).hasValue(0);

      poller.start();
      await("first polls")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(sink.tags(shop)).isEqualTo(Map.of("v1", b1));
                assertThat(sink.tags(cart)).isEqualTo(Map.of("v1", t1));
              });
      assertThat(poller.status()).hasSize(5);
      assertThat(poller.status(shop).orElseThrow().watchers()).isEqualTo(2);

      // new tags and a re-pushed tag are seen on the next polls
      String b2 = fixture.push(basic, "team/shop", "v2", "basic two", auth);
      String b1again = fixture.push(basic, "team/shop", "v1", "basic one again", auth);
      String t2 = fixture.push(token, "team/cart", "v2", "token two", auth);
      assertThat(b1again).isNotEqualTo(b1);
      await("new and re-pushed tags")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(sink.tags(shop)).isEqualTo(Map.of("v1", b1again, "v2", "null"));
                assertThat(sink.tags(cart)).isEqualTo(Map.of("v1", t1, "v2", "null"));
              });
      assertThat(b2).isNotEqualTo(t2);

      // the failing ones are reported, backed off, and still scheduled
      await("failures reported")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                PollStatus denied = poller.status(wrong).orElseThrow();
                assertThat(denied.lastError().kind()).isEqualTo(Kind.UNAUTHORIZED);
                assertThat(denied.consecutiveFailures()).isGreaterThanOrEqualTo(2);
                assertThat(denied.nextPoll()).isNotNull();
                PollStatus bad = poller.status(broken).orElseThrow();
                assertThat(bad.lastError().kind()).isEqualTo(Kind.SERVER_ERROR);
                assertThat(bad.consecutiveFailures()).isGreaterThanOrEqualTo(2);
                assertThat(sink.failures).containsKeys(wrong, broken, limited);
              });
      PollStatus slow = poller.status(limited).orElseThrow();
      assertThat(slow.lastError().kind()).isEqualTo(Kind.RATE_LIMITED);
      assertThat(slow.consecutiveFailures())
          .as("Retry-After: 120 holds the next poll")
          .isEqualTo(1);
      assertThat(slow.nextPoll()).isAfter(Instant.now().plusSeconds(60));
      assertThat(poller.status(shop).orElseThrow().failing()).isFalse();

      // the token was fetched once and reused by every poll of the cart (skopeo's pushes ask for
      // pull,push)
      assertThat(issuer.requests())
          .filteredOn(r -> r.endsWith(":pull"))
          .containsExactly(USER + " repository:team/cart:pull");

      // no longer leading: nothing is scheduled, nothing more is delivered
      poller.stop();
      int delivered = sink.deliveries.get();
      assertThat(poller.status()).allMatch(s -> s.nextPoll() == null);
      await("no polls after stop")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> sink.deliveries.get() <= delivered + 5);
      int settled = sink.deliveries.get();
      await("quiet")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> sink.deliveries.get() == settled);
    } finally {
      timer.shutdownNow();
      polls.shutdownNow();
    }
    assertThat(fixture.requests("manifest_head", "ok")).isGreaterThanOrEqualTo(4);
    assertThat(
            fixture
                .meters
                .find("mirrorgate.registry.requests")
                .tag("request", "manifest_get")
                .counters())
        .as("never a manifest GET: the HEADs gave every digest")
        .isEmpty();
  }
}
