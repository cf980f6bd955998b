package dev.mirrorgate.agent.run;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.plan.NodePlan;
import dev.mirrorgate.agent.write.ApplyReport;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the node matching the mirrors document: applies at start, when a watched directory changes
 * (the agent's own files or the document) and periodically. Applies run one at a time on one
 * thread; triggers that arrive meanwhile collapse into one more run. Once a cleanup is seen (the
 * state marked as cleaning, or gone after the agent had applied), nothing is written until restart.
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

  private MirrorsDocument lastApplied;
  private boolean appliedOnce;
  private boolean stateSeen;
  private List<String> lastSourceError;

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
        () -> trigger("periodic"), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    watchThread.start();
  }

  /** Asks for an apply soon; triggers arriving before it runs are merged into it. */
  public void trigger(String reason) {
    if (pending.compareAndSet(false, true)) {
      executor.execute(() -> runOnce(reason));
    }
  }

  private void runOnce(String reason) {
    pending.set(false);
    if (metrics.isStopped()) {
      return;
    }
    MirrorsDocument doc;
    List<String> newlyRejected = List.of();
    try {
      doc = source.load();
      lastSourceError = null;
    } catch (InvalidMirrorsDocumentException e) {
      if (!e.errors().equals(lastSourceError)) {
        lastSourceError = e.errors();
        newlyRejected = e.errors();
        metrics.mirrorsInvalid();
        log.error("invalid mirrors document; keeping the last good one", "errors", e.errors());
      }
      doc = lastApplied;
    } catch (MirrorsSource.NotYetKnown e) {
      doc = lastApplied; // the source triggers again once it knows
    } catch (IOException e) {
      if (!List.of(String.valueOf(e.getMessage())).equals(lastSourceError)) {
        lastSourceError = List.of(String.valueOf(e.getMessage()));
        metrics.mirrorsInvalid();
        log.error("cannot read mirrors document", "error", e.getMessage());
      }
      doc = lastApplied;
    }
    if (doc != null) {
      apply(doc, reason);
    }
    if (!newlyRejected.isEmpty()) {
      source.rejected(newlyRejected); // after the last good document is re-asserted
    }
  }

  private void apply(MirrorsDocument doc, String reason) {
    try {
      long t0 = System.nanoTime();
      Optional<ApplyReport> applied = agent.applyUnlessCleanedUp(doc, stateSeen);
      long tookMicros = (System.nanoTime() - t0) / 1000;
      if (applied.isEmpty()) {
        metrics.stopped();
        log.info("cleanup seen: writing nothing until restarted");
        return;
      }
      ApplyReport report = applied.get();
      boolean drift = report.changed() && doc.equals(lastApplied);
      Instant now = clock.instant();
      metrics.applied(now, doc.mirrors().size(), report.written().size(), drift, tookMicros);
      if (drift) {
        log.info("drift repaired", "trigger", reason, "written", report.written());
      }
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
      lastApplied = doc;
      stateSeen = agent.hasState();
      watchDirectories(agent.plan(doc));
    } catch (IOException | RuntimeException e) {
      metrics.applyFailed(clock.instant(), e.getMessage());
      log.error("apply failed", "trigger", reason, "error", String.valueOf(e.getMessage()));
    }
  }

  private void watchDirectories(NodePlan plan) {
    Set<Path> dirs = new HashSet<>(source.watchedDirectories());
    Path root = agent.hostRoot();
    dirs.add(root.resolve("etc"));
    dirs.add(root.resolve("var/lib/mirrorgate"));
    for (String file : plan.files().keySet()) {
      dirs.add(root.resolve(file).getParent());
    }
    for (Path dir : dirs) {
      if (!watched.contains(dir) && Files.isDirectory(dir)) {
        try {
          dir.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY);
          watched.add(dir);
        } catch (IOException e) {
          log.warn("cannot watch directory", "dir", dir, "error", e.getMessage());
        }
      }
    }
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        key.pollEvents();
        if (!key.reset()) {
          watched.remove((Path) key.watchable());
        }
        trigger("watch");
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
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
