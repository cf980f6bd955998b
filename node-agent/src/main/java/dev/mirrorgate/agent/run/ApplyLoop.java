package dev.mirrorgate.agent.run;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.plan.NodePlan;
import dev.mirrorgate.agent.write.ApplyReport;
import dev.mirrorgate.agent.write.NodeWriter;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the node matching the mirrors document: applies at start, when a watched directory changes
 * (the agent's own files or the document) and periodically. Applies run one at a time on one
 * thread; triggers that arrive meanwhile collapse into one more run. Once a cleanup is seen (the
 * state marked as cleaning, or gone after the agent had applied), nothing is written until restart.
 *
 * <p>No failure stops the loop or goes unseen: a refused document, a failed apply (an {@link
 * OutOfMemoryError} included) and a failure of the loop itself are each a log line, a counter and a
 * reason on {@code /readyz} or {@code /healthz} ({@link AgentMetrics}); the next trigger tries
 * again.
 */
public final class ApplyLoop implements AutoCloseable {

  private final NodeAgent agent;
  private final MirrorsSource source;
  private final Duration interval;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final Log log;
  private final ScheduledExecutorService executor;
  private final WatchService watcher;
  private final Thread watchThread;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Set<Path> watched = ConcurrentHashMap.newKeySet();
  private final Set<String> watchedRels = ConcurrentHashMap.newKeySet();

  /** The most directories watched for drift. */
  static final int MAX_WATCHED = 512;

  /**
   * The last good document: the newest one the source gave without an error, applied or being
   * applied. It replaces the one before as soon as it is read, so that two large documents are not
   * held during an apply.
   */
  private MirrorsDocument lastGood;

  /** {@link MirrorsDocument#hashCode} of the document of the last successful apply. */
  private int appliedHash;

  private boolean appliedOnce;
  private boolean stateSeen;
  private List<String> lastSourceError;
  private boolean capLogged;
  private volatile boolean retryScheduled;
  private String lastWatchError;

  public ApplyLoop(
      NodeAgent agent,
      MirrorsSource source,
      Duration interval,
      AgentMetrics metrics,
      Clock clock,
      Log log)
      throws IOException {
    this.agent = agent;
    this.source = source;
    this.interval = interval;
    this.metrics = metrics;
    this.clock = clock;
    this.log = log;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "apply-loop");
              t.setDaemon(true);
              return t;
            });
    this.watcher = FileSystems.getDefault().newWatchService();
    this.watchThread = new Thread(this::watch, "drift-watch");
    this.watchThread.setDaemon(true);
  }

  public void start() {
    source.start(this::trigger);
    trigger("start");
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            trigger("periodic");
          } catch (Throwable t) { // a periodic task that throws is never run again
            internal("periodic trigger", t);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    watchThread.start();
  }

  /** Asks for an apply soon; triggers arriving before it runs are merged into it. */
  public void trigger(String reason) {
    if (pending.compareAndSet(false, true)) {
      try {
        executor.execute(() -> runOnce(reason));
      } catch (RejectedExecutionException e) {
        pending.set(false); // closed
      }
    }
  }

  /** One run: never throws, whatever fails (an OutOfMemoryError included), so the loop goes on. */
  private void runOnce(String reason) {
    pending.set(false);
    try {
      if (metrics.isStopped()) {
        return;
      }
      if ((reason.equals("watch") || reason.equals("periodic")) && retryScheduled) {
        return; // after a failure, retries keep their pace: not at once (its own state write
        // would trigger the watch, forever), not twice as often with the resync
      }
      List<String> newlyRejected = new ArrayList<>();
      MirrorsDocument doc = load(newlyRejected);
      if (doc != null) {
        apply(doc, reason);
      }
      if (!newlyRejected.isEmpty()) {
        source.rejected(newlyRejected); // after the last good document is re-asserted
      }
    } catch (Throwable t) {
      internal("apply loop", t);
    }
  }

  /**
   * Retries a failed apply after 1 s, 2 s, 4 s... (at most the resync interval); until then only a
   * new document triggers an apply, not the drift watch nor the resync.
   */
  private void scheduleRetry(int failedInARow) {
    if (retryScheduled) {
      return;
    }
    retryScheduled = true;
    long delay = Math.min(interval.toMillis(), 1000L << Math.min(failedInARow - 1, 16));
    executor.schedule(
        () -> {
          retryScheduled = false;
          trigger("retry");
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  /** The current document, or the last good one when it is refused (then adds the errors). */
  private MirrorsDocument load(List<String> newlyRejected) {
    try {
      MirrorsDocument doc = source.load();
      lastSourceError = null;
      metrics.documentAccepted();
      lastGood = doc;
      return doc;
    } catch (InvalidMirrorsDocumentException e) {
      refused("invalid mirrors document; keeping the last good one", e.errors(), newlyRejected);
    } catch (MirrorsSource.NotYetKnown e) {
      // the source triggers again once it knows
    } catch (IOException e) {
      refused(
          "cannot read mirrors document; keeping the last good one",
          List.of(String.valueOf(e.getMessage())),
          newlyRejected);
    } catch (OutOfMemoryError e) {
      refused(
          "cannot read mirrors document; keeping the last good one",
          List.of("out of memory while reading it (" + e.getMessage() + ")"),
          newlyRejected);
    }
    return lastGood;
  }

  /** Logs and counts a refusal once per distinct list of errors. */
  private void refused(String message, List<String> errors, List<String> newlyRejected) {
    if (errors.equals(lastSourceError)) {
      return;
    }
    lastSourceError = errors;
    newlyRejected.addAll(errors);
    metrics.documentRefused(String.join("; ", errors));
    log.error(message, "errors", errors);
  }

  private void apply(MirrorsDocument doc, String reason) {
    try {
      long t0 = System.nanoTime();
      NodePlan plan = agent.plan(doc);
      Optional<NodeWriter.Applied> applied = agent.applyUnlessCleanedUp(doc, plan, stateSeen);
      long tookMicros = (System.nanoTime() - t0) / 1000;
      if (applied.isEmpty()) {
        metrics.stopped();
        log.info("cleanup seen: writing nothing until restarted");
        return;
      }
      ApplyReport report = applied.get().report();
      boolean drift = report.changed() && appliedOnce && doc.hashCode() == appliedHash;
      Instant now = clock.instant();
      metrics.applied(now, doc.mirrors().size(), report.written().size(), drift, tookMicros);
      if (drift) {
        log.info("drift repaired", "trigger", reason, "written", report.written());
      }
      appliedHash = doc.hashCode();
      stateSeen = applied.get().stateKept();
      if (!appliedOnce) {
        appliedOnce = true;
        log.info(
            "first apply done",
            "mirrors",
            doc.mirrors().size(),
            "written",
            report.written().size(),
            "applyMs",
            tookMicros / 1000,
            "sinceStartMs",
            ProcessAge.now().map(Duration::toMillis).orElse(-1L));
        // The first apply is the agent's one burst of allocation; give that heap back to the node
        // (with -XX:MaxHeapFreeRatio the serial collector uncommits it) instead of keeping it.
        System.gc();
        agent
            .containerdProblem()
            .ifPresent(p -> log.warn("containerd ignores hosts.toml", "problem", p));
      }
      watchDirectories(plan);
    } catch (Throwable e) { // node files, a refused state, an OutOfMemoryError: never silent
      String error = describe(e);
      int inARow = metrics.applyFailed(clock.instant(), error);
      scheduleRetry(inARow);
      log.error(
          "apply failed",
          "trigger",
          reason,
          "error",
          error,
          "failedInARow",
          inARow,
          "unhealthyAt",
          AgentMetrics.UNHEALTHY_AFTER);
    }
  }

  /** A failure outside an apply: logged, counted, and /healthz fails. */
  private void internal(String where, Throwable t) {
    String error = describe(t);
    metrics.internalError(where + ": " + error);
    log.error("internal error", "where", where, "error", error);
  }

  /** What went wrong, in words: the message, or the error's name when it has none to give. */
  static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "out of memory (" + t.getMessage() + ")";
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /**
   * Registers the directories of {@link NodeAgent#directoriesToWatch} and the source's, at most
   * {@link #MAX_WATCHED} (each costs an inotify watch and a key on the heap): beyond that, drift is
   * found by the periodic resync. Said once.
   */
  private void watchDirectories(NodePlan plan) {
    Set<String> rels = agent.directoriesToWatch(plan, MAX_WATCHED);
    int wanted = source.watchedDirectories().size() + 2 + NodeAgent.directories(plan);
    if (wanted > MAX_WATCHED && !capLogged) {
      capLogged = true;
      log.info(
          "watching some directories only; the others are re-asserted every resync",
          "watched",
          MAX_WATCHED,
          "directories",
          wanted,
          "resyncMs",
          interval.toMillis());
    }
    for (Path dir : source.watchedDirectories()) {
      register(dir);
    }
    for (String rel : rels) {
      if (watched.size() >= MAX_WATCHED) {
        break;
      }
      if (!watchedRels.contains(rel)) {
        agent
            .directory(rel)
            .ifPresent(
                dir -> {
                  if (register(dir)) {
                    watchedRels.add(rel);
                  }
                });
      }
    }
  }

  /** Watches {@code dir} unless it is already or the limit is reached; whether it is watched. */
  private boolean register(Path dir) {
    if (watched.contains(dir)) {
      return true;
    }
    if (watched.size() >= MAX_WATCHED) {
      return false;
    }
    try {
      dir.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      watched.add(dir);
      return true;
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).equals(lastWatchError)) {
        lastWatchError = String.valueOf(e.getMessage());
        log.warn("cannot watch directory", "dir", dir, "error", lastWatchError);
      }
      return false;
    }
  }

  private void watch() {
    while (true) {
      try {
        WatchKey key = watcher.take();
        key.pollEvents();
        if (!key.reset()) {
          watched.remove((Path) key.watchable());
          watchedRels.clear(); // looked up again at the next apply
        }
        trigger("watch");
      } catch (InterruptedException | ClosedWatchServiceException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        internal("drift watch", t);
      }
    }
  }

  @Override
  public void close() throws IOException {
    source.close();
    executor.shutdownNow();
    watcher.close();
    watchThread.interrupt();
  }
}
