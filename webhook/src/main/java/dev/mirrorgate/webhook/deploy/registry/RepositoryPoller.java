package dev.mirrorgate.webhook.deploy.registry;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls registries for push-to-deploy: exactly one polling task per repository, shared by all its
 * watchers (poll-triggered containers), running only while this replica leads.
 *
 * <p>A repository is polled at the earliest time any of its watchers' schedules names after its
 * last poll (for {@code @every} schedules: the shortest interval wins); its tags are listed when
 * any watcher lists, and the union of the watchers' digest tags is resolved by manifest HEAD. The
 * credentials tried are the watchers' distinct ones (in watcher order, anonymous last when some
 * watcher has none), the next after an {@code UNAUTHORIZED}, at most {@value #MAX_CREDENTIALS}. A
 * failed poll is logged, counted and reported to the sink, and the repository backs off ({@link
 * Backoff}, never sooner than its schedule or the registry's {@code Retry-After}); nothing a
 * registry does stops a poller. {@link #start()} and {@link #stop()} follow the leader election;
 * the watchers are kept across them.
 */
public final class RepositoryPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("mirrorgate.poller");

  /** Credentials tried per poll. */
  public static final int MAX_CREDENTIALS = 3;

  /**
   * Polls of one registry that run at once. The registry's rate limit lets only a few requests a
   * second through anyway; the repositories due meanwhile wait their turn here, as entries of a
   * queue, instead of as threads parked in the rate limiter (1,000 repositories due at once left
   * ~600 parked virtual threads and 3.5 MB of their stacks on the heap).
   */
  static final int MAX_POLLS_PER_REGISTRY = 4;

  private final RegistryReader reader;
  private final PollSink sink;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor executor;
  private final Backoff backoff;
  private final RegistryMetrics metrics;

  private final List<ExecutorService> owned = new ArrayList<>();
  private final Map<Repository, Target> targets = new HashMap<>();
  private final Map<String, Repository> watched = new HashMap<>();
  private final Map<String, Integer> pollsRunning = new HashMap<>();
  private final Map<String, ArrayDeque<Target>> pollsWaiting = new HashMap<>();
  private boolean leading;
  private boolean closed;

  /** One repository's poller. Guarded by the poller's lock. */
  private static final class Target {
    final Repository repository;
    final Map<String, PollRequest> watchers = new TreeMap<>();
    Scheduler.Scheduled scheduled;
    Instant due;
    boolean running;
    boolean again;
    Instant lastAttempt;
    Instant lastSuccess;
    int failures;
    RegistryError lastError;
    Instant backoffUntil;

    Target(Repository repository) {
      this.repository = repository;
    }
  }

  /** What one poll does, merged from the watchers when it starts. */
  private record Plan(
      Repository repository,
      boolean listTags,
      Set<String> digestTags,
      List<Optional<RegistryCredentials>> credentials) {}

  /**
   * @param reader the registry client
   * @param sink where results go
   * @param clock the time
   * @param scheduler runs the polls when due
   * @param executor runs the polls (they block: give it virtual threads or a pool of its own, never
   *     an event loop)
   * @param backoff the wait after failures
   * @param metrics polls and repositories counted
   */
  public RepositoryPoller(
      RegistryReader reader,
      PollSink sink,
      Clock clock,
      Scheduler scheduler,
      Executor executor,
      Backoff backoff,
      RegistryMetrics metrics) {
    this.reader = reader;
    this.sink = sink;
    this.clock = clock;
    this.scheduler = scheduler;
    this.executor = executor;
    this.backoff = backoff;
    this.metrics = metrics;
    metrics.repositories(this::repositoryCount, this::failingCount);
  }

  /**
   * A poller with its own threads: one timer thread, and a virtual thread per poll; {@link
   * #close()} ends them.
   */
  public static RepositoryPoller create(
      RegistryReader reader, PollSink sink, Clock clock, MeterRegistry meters) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "registry-poller-timer");
              thread.setDaemon(true);
              return thread;
            });
    ExecutorService polls =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("registry-poll-", 0).factory());
    RepositoryPoller poller =
        new RepositoryPoller(
            reader,
            sink,
            clock,
            Scheduler.of(timer),
            polls,
            Backoff.DEFAULT,
            new RegistryMetrics(meters));
    poller.owned.add(timer);
    poller.owned.add(polls);
    return poller;
  }

  // --- watchers ------------------------------------------------------------------------------

  /**
   * Adds or replaces what {@code watcher} (e.g. {@code apps/Deployment/shop/web}) wants polled. A
   * watcher follows one repository: watching another moves it.
   */
  public synchronized void watch(String watcher, PollRequest request) {
    Repository previous = watched.put(watcher, request.repository());
    if (previous != null && !previous.equals(request.repository())) {
      remove(watcher, previous);
    }
    Target target = targets.computeIfAbsent(request.repository(), Target::new);
    boolean fresh = target.watchers.isEmpty();
    target.watchers.put(watcher, request);
    if (fresh) {
      log.info(
          "polling repository", kv("repository", target.repository.name()), kv("watcher", watcher));
    }
    if (leading && !target.running) {
      reschedule(target, fresh ? clock.instant() : due(target));
    }
  }

  /** Removes {@code watcher}; a repository nobody watches any more stops being polled. */
  public synchronized void unwatch(String watcher) {
    Repository repository = watched.remove(watcher);
    if (repository != null) {
      remove(watcher, repository);
    }
  }

  /** The watchers, each with what it wants. */
  public synchronized Map<String, PollRequest> watchers() {
    Map<String, PollRequest> all = new TreeMap<>();
    targets.values().forEach(t -> all.putAll(t.watchers));
    return all;
  }

  private void remove(String watcher, Repository repository) {
    Target target = targets.get(repository);
    if (target == null) {
      return;
    }
    target.watchers.remove(watcher);
    if (target.watchers.isEmpty()) {
      cancel(target);
      targets.remove(repository);
      log.info("stopped polling repository", kv("repository", repository.name()));
    } else if (leading && !target.running) {
      reschedule(target, due(target));
    }
  }

  // --- leadership ----------------------------------------------------------------------------

  /** This replica leads: every watched repository is polled now, then on its schedule. */
  public synchronized void start() {
    if (closed || leading) {
      return;
    }
    leading = true;
    Instant now = clock.instant();
    for (Target target : targets.values()) {
      if (!target.running) {
        reschedule(target, now);
      }
    }
  }

  /** This replica no longer leads: nothing is polled and no result is handed on. */
  public synchronized void stop() {
    leading = false;
    targets.values().forEach(this::cancel);
    pollsWaiting.values().forEach(queue -> queue.forEach(t -> t.running = false));
    pollsWaiting.clear();
  }

  public synchronized boolean leading() {
    return leading;
  }

  /**
   * Polls {@code repository} now (a resync, or a new watcher that wants an answer), ignoring its
   * backoff (the registry's {@code Retry-After} still holds); false when not leading or nobody
   * watches it.
   */
  public synchronized boolean pollNow(Repository repository) {
    Target target = targets.get(repository);
    if (!leading || target == null) {
      return false;
    }
    if (target.running) {
      target.again = true;
    } else {
      target.backoffUntil = null;
      reschedule(target, clock.instant());
    }
    return true;
  }

  @Override
  public void close() {
    synchronized (this) {
      stop();
      closed = true;
    }
    owned.forEach(ExecutorService::shutdownNow);
  }

  // --- status --------------------------------------------------------------------------------

  /** Every watched repository's polling state, by name. */
  public synchronized List<PollStatus> status() {
    List<PollStatus> all = new ArrayList<>();
    targets.values().stream()
        .sorted(Comparator.comparing(t -> t.repository.name()))
        .forEach(t -> all.add(status(t)));
    return all;
  }

  public synchronized Optional<PollStatus> status(Repository repository) {
    return Optional.ofNullable(targets.get(repository)).map(this::status);
  }

  private PollStatus status(Target t) {
    Set<String> schedules = new TreeSet<>();
    t.watchers.values().forEach(r -> schedules.add(r.schedule().text()));
    return new PollStatus(
        t.repository,
        t.watchers.size(),
        List.copyOf(schedules),
        t.lastAttempt,
        t.lastSuccess,
        t.failures,
        t.lastError,
        t.scheduled == null ? null : t.due);
  }

  private synchronized int repositoryCount() {
    return targets.size();
  }

  private synchronized int failingCount() {
    return (int) targets.values().stream().filter(t -> t.lastError != null).count();
  }

  // --- timing --------------------------------------------------------------------------------

  /**
   * When {@code target} is next due: the earliest next firing of its watchers' schedules after its
   * last poll (or now, when never polled), not before its backoff; null when none fires.
   */
  private Instant due(Target target) {
    Instant now = clock.instant();
    if (target.lastAttempt == null) {
      return now; // never polled: at once
    }
    Instant base = target.lastAttempt;
    Instant due = null;
    for (PollRequest request : target.watchers.values()) {
      Optional<Instant> next = request.schedule().next(base);
      if (next.isPresent() && (due == null || next.get().isBefore(due))) {
        due = next.get();
      }
    }
    if (due == null) {
      return null;
    }
    if (target.backoffUntil != null && due.isBefore(target.backoffUntil)) {
      due = target.backoffUntil;
    }
    return due.isBefore(now) ? now : due;
  }

  private void reschedule(Target target, Instant due) {
    if (target.scheduled != null && due != null && due.equals(target.due)) {
      return;
    }
    cancel(target);
    if (due == null) {
      return;
    }
    target.due = due;
    Duration delay = Duration.between(clock.instant(), due);
    target.scheduled =
        scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> fire(target));
  }

  private void cancel(Target target) {
    if (target.scheduled != null) {
      target.scheduled.cancel();
      target.scheduled = null;
      target.due = null;
    }
  }

  // --- one poll ------------------------------------------------------------------------------

  private void fire(Target target) {
    synchronized (this) {
      if (!leading || targets.get(target.repository) != target || target.running) {
        return;
      }
      target.scheduled = null;
      target.due = null;
      target.running = true; // from now on until finish(): waiting for its turn, or polling
      String registry = target.repository.domain();
      if (pollsRunning.getOrDefault(registry, 0) >= MAX_POLLS_PER_REGISTRY) {
        pollsWaiting.computeIfAbsent(registry, r -> new ArrayDeque<>()).add(target);
        return;
      }
      pollsRunning.merge(registry, 1, Integer::sum);
    }
    begin(target);
  }

  /** Starts the poll of {@code target}, which holds one of its registry's places. */
  private void begin(Target target) {
    Plan plan;
    Instant started;
    synchronized (this) {
      started = clock.instant();
      target.lastAttempt = started;
      plan = plan(target);
    }
    try {
      executor.execute(() -> run(target, plan, started));
    } catch (RuntimeException e) {
      finish(
          target,
          plan,
          started,
          null,
          new RegistryError(RegistryError.Kind.UNREACHABLE, "poll not started: " + e));
    }
  }

  private static Plan plan(Target target) {
    boolean list = false;
    Set<String> digestTags = new TreeSet<>();
    LinkedHashSet<RegistryCredentials> credentials = new LinkedHashSet<>();
    boolean anonymous = false;
    for (PollRequest request : target.watchers.values()) {
      list |= request.listTags();
      digestTags.addAll(request.digestTags());
      if (request.credentials().isPresent()) {
        credentials.add(request.credentials().get());
      } else {
        anonymous = true;
      }
    }
    List<Optional<RegistryCredentials>> tries = new ArrayList<>();
    credentials.forEach(c -> tries.add(Optional.of(c)));
    if (anonymous || tries.isEmpty()) {
      tries.add(Optional.empty());
    }
    return new Plan(
        target.repository,
        list,
        digestTags,
        List.copyOf(tries.subList(0, Math.min(MAX_CREDENTIALS, tries.size()))));
  }

  private void run(Target target, Plan plan, Instant started) {
    ListedTags listed = null;
    RegistryError error = null;
    try {
      listed = poll(plan, started);
    } catch (RegistryException e) {
      error = e.error();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = new RegistryError(RegistryError.Kind.TIMEOUT, "poll interrupted");
    } catch (RuntimeException e) {
      error = new RegistryError(RegistryError.Kind.MALFORMED, "poll failed: " + e);
      log.error("poll failed unexpectedly", kv("repository", plan.repository().name()), e);
    }
    finish(target, plan, started, listed, error);
  }

  private ListedTags poll(Plan plan, Instant started)
      throws RegistryException, InterruptedException {
    RegistryException unauthorized = null;
    for (Optional<RegistryCredentials> credentials : plan.credentials()) {
      try {
        return poll(plan, credentials, started);
      } catch (RegistryException e) {
        if (e.error().kind() != RegistryError.Kind.UNAUTHORIZED) {
          throw e;
        }
        unauthorized = e;
      }
    }
    throw unauthorized;
  }

  private ListedTags poll(Plan plan, Optional<RegistryCredentials> credentials, Instant started)
      throws RegistryException, InterruptedException {
    Repository repository = plan.repository();
    boolean truncated = false;
    List<String> tags;
    if (plan.listTags()) {
      TagList list = reader.tags(repository, credentials);
      tags = list.tags();
      truncated = list.truncated();
    } else {
      tags = List.copyOf(plan.digestTags());
    }
    List<ListedTags.Tag> found = new ArrayList<>();
    for (String tag : tags) {
      String digest = null;
      if (plan.digestTags().contains(tag)) {
        try {
          digest = reader.digest(repository, tag, credentials).digest();
        } catch (RegistryException e) {
          if (e.error().kind() != RegistryError.Kind.NOT_FOUND) {
            throw e;
          }
          continue; // deleted since listed, or never there
        }
      }
      found.add(new ListedTags.Tag(tag, digest));
    }
    return new ListedTags(repository, found, started, truncated);
  }

  private void finish(
      Target target, Plan plan, Instant started, ListedTags listed, RegistryError error) {
    try {
      report(target, plan, started, listed, error);
    } finally {
      Target next = release(target.repository.domain());
      if (next != null) {
        begin(next);
      }
    }
  }

  /**
   * Gives up a finished poll's place: the registry's next waiting repository (still watched, and
   * this replica still leading) takes it, and is returned to be started; else the place is free.
   */
  private synchronized Target release(String registry) {
    ArrayDeque<Target> queue = pollsWaiting.get(registry);
    while (queue != null && !queue.isEmpty()) {
      Target next = queue.poll();
      if (leading && targets.get(next.repository) == next) {
        return next;
      }
      next.running = false;
    }
    pollsWaiting.remove(registry);
    pollsRunning.computeIfPresent(registry, (r, n) -> n > 1 ? n - 1 : null);
    return null;
  }

  private void report(
      Target target, Plan plan, Instant started, ListedTags listed, RegistryError error) {
    PollStatus failed = null;
    boolean deliver;
    synchronized (this) {
      target.running = false;
      Instant now = clock.instant();
      if (error == null) {
        if (target.failures > 0) {
          log.info(
              "repository polled again after failures",
              kv("repository", target.repository.name()),
              kv("failures", target.failures));
        }
        target.failures = 0;
        target.lastError = null;
        target.lastSuccess = started;
        target.backoffUntil = null;
        metrics.poll("ok");
      } else {
        target.failures++;
        target.lastError = error;
        Duration wait = backoff.after(target.failures);
        if (error.retryAfter() != null && error.retryAfter().compareTo(wait) > 0) {
          wait = error.retryAfter();
        }
        target.backoffUntil = now.plus(wait);
        metrics.poll(error.kind().label());
      }
      boolean current = targets.get(target.repository) == target;
      deliver = leading && current;
      if (current && leading) {
        if (target.again) {
          target.again = false;
          reschedule(target, now);
        } else {
          reschedule(target, due(target));
        }
      }
      if (error != null) {
        failed = status(target);
        log.warn(
            "repository poll failed",
            kv("repository", target.repository.name()),
            kv("reason", error.kind().label()),
            kv("message", error.message()),
            kv("failures", target.failures),
            kv("nextPoll", String.valueOf(failed.nextPoll())));
      } else {
        log.debug(
            "repository polled",
            kv("repository", target.repository.name()),
            kv("tags", listed.tags().size()),
            kv("nextPoll", String.valueOf(target.due)));
      }
    }
    if (!deliver) {
      return;
    }
    try {
      if (error == null) {
        sink.listed(listed);
      } else {
        sink.failed(failed);
      }
    } catch (RuntimeException e) {
      log.error("poll sink failed", kv("repository", target.repository.name()), e);
    }
  }
}
