package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.update.PollSchedule;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The poller's logic on a hand-moved clock, against an in-memory registry. */
class RepositoryPollerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Repository SHOP = Repository.parse("ghcr.io/acme/shop");
  private static final Repository CART = Repository.parse("ghcr.io/acme/cart");
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);

  /** An in-memory registry: tags with digests, failures to inject, every call recorded. */
  static final class FakeRegistry implements RegistryReader {
    final Map<Repository, LinkedHashMap<String, String>> repositories = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<RegistryError> failures = new ArrayList<>();
    RuntimeException crash;
    String onlyUser;

    void put(Repository repository, String tag, String digest) {
      repositories.computeIfAbsent(repository, r -> new LinkedHashMap<>()).put(tag, digest);
    }

    private void check(Optional<RegistryCredentials> credentials) throws RegistryException {
      if (crash != null) {
        throw crash;
      }
      if (!failures.isEmpty()) {
        throw new RegistryException(failures.removeFirst());
      }
      if (onlyUser != null && !credentials.map(c -> c.username().equals(onlyUser)).orElse(false)) {
        throw new RegistryException(Kind.UNAUTHORIZED, "denied");
      }
    }

    @Override
    public TagList tags(Repository repository, Optional<RegistryCredentials> credentials)
        throws RegistryException {
      calls.add(
          "tags " + repository.path() + credentials.map(c -> " as " + c.username()).orElse(""));
      check(credentials);
      return new TagList(
          List.copyOf(repositories.getOrDefault(repository, new LinkedHashMap<>()).keySet()),
          false);
    }

    @Override
    public ManifestDigest digest(
        Repository repository, String tag, Optional<RegistryCredentials> credentials)
        throws RegistryException {
      calls.add("head " + repository.path() + ":" + tag);
      check(credentials);
      String digest = repositories.getOrDefault(repository, new LinkedHashMap<>()).get(tag);
      if (digest == null) {
        throw new RegistryException(Kind.NOT_FOUND, "no tag " + tag);
      }
      return new ManifestDigest(digest, "", false);
    }
  }

  /** Records what reaches the sink. */
  static final class RecordingSink implements PollSink {
    final List<ListedTags> listed = new ArrayList<>();
    final List<PollStatus> failed = new ArrayList<>();
    boolean explode;

    @Override
    public void listed(ListedTags tags) {
      listed.add(tags);
      if (explode) {
        throw new IllegalStateException("sink bug");
      }
    }

    @Override
    public void failed(PollStatus status) {
      failed.add(status);
    }
  }

  private ManualScheduler time;
  private FakeRegistry registry;
  private RecordingSink sink;
  private RepositoryPoller poller;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void setUp() {
    time = new ManualScheduler(T0);
    registry = new FakeRegistry();
    registry.put(SHOP, "1.0.0", D1);
    registry.put(SHOP, "1.1.0", D2);
    registry.put(CART, "latest", D1);
    sink = new RecordingSink();
    meters = new SimpleMeterRegistry();
    poller =
        new RepositoryPoller(
            registry,
            sink,
            time,
            time,
            Runnable::run,
            Backoff.DEFAULT,
            new RegistryMetrics(meters));
  }

  private static PollRequest every(Repository repository, String schedule, String... digestTags) {
    return new PollRequest(
        repository, PollSchedule.parse(schedule), Optional.empty(), true, Set.of(digestTags));
  }

  private long tagListings() {
    return registry.calls.stream().filter(c -> c.startsWith("tags")).count();
  }

  @Test
  void oneTaskPerRepositoryAndTheShortestScheduleWins() {
    poller.watch("apps/Deployment/a/web", every(SHOP, "@every 5m"));
    poller.watch("apps/Deployment/b/web", every(SHOP, "@every 1m"));
    poller.watch("apps/Deployment/c/web", every(SHOP, "@every 10m"));
    poller.start();
    time.runDue();
    assertThat(tagListings()).isEqualTo(1);
    assertThat(time.pending()).as("one task for the one repository").isEqualTo(1);
    assertThat(time.nextDue()).contains(T0.plus(Duration.ofMinutes(1)));

    time.advance(Duration.ofMinutes(3));
    assertThat(tagListings()).isEqualTo(4);
    assertThat(sink.listed).hasSize(4);

    // the 1m watcher leaves: the 5m one is the shortest now, counted from the last poll
    poller.unwatch("apps/Deployment/b/web");
    assertThat(time.pending()).isEqualTo(1);
    assertThat(time.nextDue()).contains(T0.plus(Duration.ofMinutes(3 + 5)));
    // a shorter schedule arriving brings the next poll forward
    poller.watch("apps/Deployment/d/web", every(SHOP, "@every 30s"));
    assertThat(time.nextDue()).contains(T0.plus(Duration.ofMinutes(3)).plusSeconds(30));
    assertThat(poller.status(SHOP).orElseThrow().schedules())
        .containsExactly("@every 10m", "@every 30s", "@every 5m");
    assertThat(poller.status(SHOP).orElseThrow().watchers()).isEqualTo(3);

    // everyone leaves: nothing is scheduled, nothing polled
    poller.unwatch("apps/Deployment/a/web");
    poller.unwatch("apps/Deployment/c/web");
    poller.unwatch("apps/Deployment/d/web");
    assertThat(time.pending()).isZero();
    assertThat(poller.status()).isEmpty();
    time.advance(Duration.ofHours(1));
    assertThat(tagListings()).isEqualTo(4);
  }

  @Test
  void aFewPollsOfOneRegistryRunAtOnceTheOthersWaitTheirTurnAsData() {
    List<Runnable> started = new ArrayList<>();
    RepositoryPoller queued =
        new RepositoryPoller(
            registry,
            sink,
            time,
            time,
            started::add,
            Backoff.DEFAULT,
            new RegistryMetrics(new SimpleMeterRegistry()));
    int many = RepositoryPoller.MAX_POLLS_PER_REGISTRY * 3;
    for (int i = 0; i < many; i++) {
      queued.watch("w" + i, every(Repository.parse("ghcr.io/acme/app" + i), "@every 1h"));
    }
    Repository elsewhere = Repository.parse("quay.io/acme/other");
    queued.watch("other", every(elsewhere, "@every 1h"));
    queued.start();
    time.runDue();

    // ghcr.io's first few, and quay.io's at once: a busy registry holds no other up
    assertThat(started).hasSize(RepositoryPoller.MAX_POLLS_PER_REGISTRY + 1);
    int done = 0;
    while (done < started.size()) {
      started.get(done++).run(); // each finished poll starts the next waiting one
      assertThat(started.size() - done) // in flight: ghcr.io's few, quay.io's one
          .isLessThanOrEqualTo(RepositoryPoller.MAX_POLLS_PER_REGISTRY + 1);
    }
    assertThat(done).isEqualTo(many + 1);
    assertThat(tagListings()).isEqualTo(many + 1);
    assertThat(queued.status()).allSatisfy(s -> assertThat(s.lastAttempt()).isEqualTo(T0));

    // losing the lead drops the waiting ones; leading again polls them
    for (int i = 0; i < many; i++) {
      queued.pollNow(Repository.parse("ghcr.io/acme/app" + i));
    }
    time.runDue();
    assertThat(started).hasSize(done + RepositoryPoller.MAX_POLLS_PER_REGISTRY);
    queued.stop();
    started.subList(done, started.size()).forEach(Runnable::run);
    assertThat(started).hasSize(done + RepositoryPoller.MAX_POLLS_PER_REGISTRY);
    queued.start();
    time.runDue();
    assertThat(started).hasSize(done + 2 * RepositoryPoller.MAX_POLLS_PER_REGISTRY + 1);
  }

  @Test
  void aNewRepositoryIsPolledAtOnceHoweverManyWatchersJoinFirst() {
    poller.start();
    poller.watch("a", every(SHOP, "@every 1h"));
    poller.watch("b", every(SHOP, "@every 2h"));
    poller.watch("a", every(SHOP, "@every 1h")); // the same request again changes nothing
    assertThat(time.nextDue()).contains(T0);
    assertThat(time.pending()).isEqualTo(1);
    time.runDue();
    assertThat(tagListings()).isEqualTo(1);
    assertThat(time.nextDue()).contains(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void cronAndEverySchedulesShareOneTaskAtTheEarliestFiring() {
    poller.watch("a", every(SHOP, "*/10 * * * *"));
    poller.watch("b", every(SHOP, "@every 15m"));
    poller.start();
    time.runDue();
    assertThat(time.nextDue()).contains(Instant.parse("2026-11-25T10:10:00Z"));
    time.advance(Duration.ofMinutes(10));
    // from 10:10: cron says 10:20, @every 15m says 10:25
    assertThat(time.nextDue()).contains(Instant.parse("2026-11-25T10:20:00Z"));
    assertThat(tagListings()).isEqualTo(2);
  }

  @Test
  void pollsOnlyWhileLeading() {
    poller.watch("a", every(SHOP, "@every 1m"));
    time.advance(Duration.ofMinutes(5));
    assertThat(registry.calls).isEmpty();
    assertThat(time.pending()).isZero();

    poller.start();
    time.runDue();
    assertThat(tagListings()).isEqualTo(1);
    poller.stop();
    assertThat(time.pending()).isZero();
    time.advance(Duration.ofMinutes(5));
    assertThat(tagListings()).isEqualTo(1);
    assertThat(poller.pollNow(SHOP)).isFalse();

    // watchers are kept across leadership; a new leader polls at once
    poller.start();
    time.runDue();
    assertThat(tagListings()).isEqualTo(2);
    assertThat(sink.listed).hasSize(2);
  }

  @Test
  void resolvesTheDigestsOfTheTagsThatMatterByHeadOnly() {
    registry.put(SHOP, "latest", D2);
    poller.watch("a", every(SHOP, "@every 1m", "1.0.0"));
    poller.watch("b", every(SHOP, "@every 1m", "latest", "9.9.9"));
    poller.start();
    time.runDue();
    // 9.9.9 is not listed, so not asked for; the union of the watchers' tags is resolved
    assertThat(registry.calls)
        .containsExactly("tags acme/shop", "head acme/shop:1.0.0", "head acme/shop:latest");
    ListedTags listed = sink.listed.getFirst();
    assertThat(listed.polledAt()).isEqualTo(T0);
    assertThat(listed.tags())
        .containsExactly(
            new ListedTags.Tag("1.0.0", D1),
            new ListedTags.Tag("1.1.0", null),
            new ListedTags.Tag("latest", D2));
    assertThat(listed.images().stream().map(Object::toString))
        .containsExactly(
            "ghcr.io/acme/shop:1.0.0@" + D1,
            "ghcr.io/acme/shop:1.1.0",
            "ghcr.io/acme/shop:latest@" + D2);
  }

  @Test
  void aDigestOnlyWatcherIsServedByHeadsWithoutListing() {
    poller.watch(
        "a",
        new PollRequest(
            CART,
            PollSchedule.parse("@every 1m"),
            Optional.empty(),
            false,
            Set.of("latest", "gone")));
    poller.start();
    time.runDue();
    assertThat(registry.calls).containsExactly("head acme/cart:gone", "head acme/cart:latest");
    assertThat(sink.listed.getFirst().tags()).containsExactly(new ListedTags.Tag("latest", D1));
  }

  @Test
  void failuresBackOffAreReportedAndNeverStopThePoller() {
    poller.watch("a", every(SHOP, "@every 1m"));
    registry.failures.add(new RegistryError(Kind.SERVER_ERROR, "ghcr.io: 502"));
    registry.failures.add(new RegistryError(Kind.TIMEOUT, "ghcr.io did not answer"));
    registry.failures.add(new RegistryError(Kind.MALFORMED, "garbage"));
    poller.start();
    time.runDue();
    // 30s backoff < 1m schedule: the schedule holds
    PollStatus first = poller.status(SHOP).orElseThrow();
    assertThat(first.consecutiveFailures()).isEqualTo(1);
    assertThat(first.lastError().kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(first.nextPoll()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(sink.failed).hasSize(1);

    time.advance(Duration.ofMinutes(1)); // second failure: 60s backoff, equal to the schedule
    assertThat(poller.status(SHOP).orElseThrow().nextPoll())
        .isEqualTo(T0.plus(Duration.ofMinutes(2)));
    time.advance(Duration.ofMinutes(1)); // third: 2 minutes
    PollStatus third = poller.status(SHOP).orElseThrow();
    assertThat(third.consecutiveFailures()).isEqualTo(3);
    assertThat(third.lastError().kind()).isEqualTo(Kind.MALFORMED);
    assertThat(third.nextPoll()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
    time.advance(Duration.ofMinutes(1));
    assertThat(tagListings()).as("backed off: no poll at minute 3").isEqualTo(3);

    time.advance(Duration.ofMinutes(1)); // succeeds: back on schedule
    PollStatus ok = poller.status(SHOP).orElseThrow();
    assertThat(ok.failing()).isFalse();
    assertThat(ok.consecutiveFailures()).isZero();
    assertThat(ok.lastSuccess()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
    assertThat(ok.nextPoll()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(sink.listed).hasSize(1);
    assertThat(sink.failed).hasSize(3);
    assertThat(
            meters.get("mirrorgate.registry.polls").tag("result", "server_error").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("mirrorgate.registry.polls").tag("result", "ok").counter().count())
        .isEqualTo(1);
  }

  @Test
  void retryAfterPostponesThePollBeyondTheBackoff() {
    poller.watch("a", every(SHOP, "@every 1m"));
    registry.failures.add(
        new RegistryError(Kind.RATE_LIMITED, "ghcr.io answered 429", Duration.ofMinutes(10)));
    poller.start();
    time.runDue();
    assertThat(poller.status(SHOP).orElseThrow().nextPoll())
        .isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(poller.status()).hasSize(1);
    assertThat(meters.get("mirrorgate.registry.failing.repositories").gauge().value()).isEqualTo(1);
  }

  @Test
  void aCrashingRegistryOrSinkIsContained() {
    poller.watch("a", every(SHOP, "@every 1m"));
    registry.crash = new IllegalStateException("bug in a reader");
    poller.start();
    time.runDue();
    assertThat(poller.status(SHOP).orElseThrow().lastError().message()).contains("bug in a reader");
    registry.crash = null;
    sink.explode = true;
    time.advance(Duration.ofMinutes(1));
    time.advance(Duration.ofMinutes(1));
    assertThat(sink.listed).hasSize(2);
    assertThat(time.pending()).isEqualTo(1);
  }

  @Test
  void triesEachWatchersCredentialsUntilOneIsAccepted() {
    registry.onlyUser = "good";
    poller.watch(
        "a",
        new PollRequest(
            SHOP,
            PollSchedule.DEFAULT,
            Optional.of(new RegistryCredentials("bad", "x")),
            true,
            Set.of()));
    poller.watch(
        "b",
        new PollRequest(
            SHOP,
            PollSchedule.DEFAULT,
            Optional.of(new RegistryCredentials("good", "y")),
            true,
            Set.of()));
    poller.watch("c", every(SHOP, "@every 1m"));
    poller.start();
    time.runDue();
    assertThat(registry.calls).containsExactly("tags acme/shop as bad", "tags acme/shop as good");
    assertThat(sink.listed).hasSize(1);

    // nobody's credentials work: unauthorized, after trying each (anonymous last)
    registry.onlyUser = "nobody";
    registry.calls.clear();
    time.advance(Duration.ofMinutes(1));
    assertThat(registry.calls)
        .containsExactly("tags acme/shop as bad", "tags acme/shop as good", "tags acme/shop");
    assertThat(poller.status(SHOP).orElseThrow().lastError().kind()).isEqualTo(Kind.UNAUTHORIZED);
  }

  @Test
  void pollNowSkipsTheWaitAndAWatcherMayMoveToAnotherRepository() {
    poller.watch("a", every(SHOP, "@every 1h"));
    poller.start();
    time.runDue();
    time.advance(Duration.ofMinutes(5));
    assertThat(poller.pollNow(SHOP)).isTrue();
    time.runDue();
    assertThat(tagListings()).isEqualTo(2);
    assertThat(poller.pollNow(CART)).isFalse();

    poller.watch("a", every(CART, "@every 1h"));
    assertThat(poller.status()).extracting(PollStatus::repository).containsExactly(CART);
    time.runDue();
    assertThat(registry.calls).last().isEqualTo("tags acme/cart");
    assertThat(poller.watchers()).containsOnlyKeys("a");
  }

  @Test
  void aRepositoryDroppedWhilePollingDeliversNothing() {
    RepositoryPoller[] self = new RepositoryPoller[1];
    RegistryReader dropping =
        new RegistryReader() {
          @Override
          public TagList tags(Repository repository, Optional<RegistryCredentials> credentials) {
            self[0].unwatch("a");
            return new TagList(List.of("1.0.0"), false);
          }

          @Override
          public ManifestDigest digest(
              Repository repository, String tag, Optional<RegistryCredentials> credentials) {
            throw new AssertionError("not asked");
          }
        };
    self[0] =
        new RepositoryPoller(
            dropping,
            sink,
            time,
            time,
            Runnable::run,
            Backoff.DEFAULT,
            new RegistryMetrics(meters));
    self[0].watch("a", every(SHOP, "@every 1m"));
    self[0].start();
    time.runDue();
    assertThat(sink.listed).isEmpty();
    assertThat(time.pending()).isZero();
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5));
    assertThat(List.of(1, 2, 3, 4, 5, 6, 100).stream().map(backoff::after))
        .containsExactly(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(240),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));
  }
}
