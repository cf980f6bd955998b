package dev.mirrorgate.webhook.deploy;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.intake.PushEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces pushes: the events of one repository form a window that closes once none has arrived
 * for the debounce ({@code controller --debounce}; zero decides every event at once). A closed
 * window is decided by {@link Rollouts} (its workloads in parallel on the workers); windows of one
 * repository are decided one after another, different repositories side by side.
 *
 * <p>Bounded, so that a repository pushed (or a notification replayed) without pause is still
 * decided and holds no growing memory: a window closes at the latest {@value #MAX_AGE_DEBOUNCES}
 * debounces after it opened, a reference pushed again in the same window counts once, and a window
 * of {@value #MAX_IMAGES} different references closes at once.
 */
public final class PushWindows implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushWindows.class);

  /** A window closes at the latest this many debounces after its first event. */
  static final int MAX_AGE_DEBOUNCES = 20;

  /** The most different references one window holds; the next event closes it. */
  static final int MAX_IMAGES = 1000;

  /** What decides a closed window: {@link Rollouts#decide} in production. */
  @FunctionalInterface
  public interface Decider {
    void decide(
        String repository,
        Window window,
        String trigger,
        long startedNanos,
        java.util.concurrent.Executor workers);
  }

  private final Duration debounce;
  private final Decider rollouts;
  private final ScheduledExecutorService timers;
  private final ExecutorService workers;
  private final ExecutorService coordinators;
  private final Map<String, Open> open = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> deciding = new HashMap<>();

  /** A window still collecting. */
  private static final class Open {
    final LinkedHashSet<ImageReference> images = new LinkedHashSet<>();
    final String trigger;
    final long startedNanos;
    ScheduledFuture<?> close;

    Open(String trigger, long startedNanos) {
      this.trigger = trigger;
      this.startedNanos = startedNanos;
    }
  }

  public PushWindows(Duration debounce, Rollouts rollouts, int workers) {
    this(debounce, (Decider) rollouts::decide, workers);
  }

  PushWindows(Duration debounce, Decider rollouts, int workers) {
    this.debounce = debounce;
    this.rollouts = rollouts;
    java.util.concurrent.ScheduledThreadPoolExecutor timers =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, Thread.ofVirtual().name("push-windows").factory());
    timers.setRemoveOnCancelPolicy(true); // every event re-arms its window's timer
    this.timers = timers;
    this.coordinators =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("push-window-decide").factory());
    this.workers =
        Executors.newFixedThreadPool(workers, Thread.ofVirtual().name("rollouts").factory());
  }

  /** Adds pushed images; never blocks (the intake calls this on its event loop). */
  public void accept(List<PushEvent> events) {
    long now = System.nanoTime();
    synchronized (this) {
      for (PushEvent event : events) {
        String repository = event.image().name().toLowerCase(Locale.ROOT);
        Open window =
            open.computeIfAbsent(repository, r -> new Open(event.source().trigger(), now));
        window.images.add(event.image());
        if (window.close != null) {
          window.close.cancel(false);
        }
        long untilDeadline = window.startedNanos + MAX_AGE_DEBOUNCES * debounce.toNanos() - now;
        long delay =
            window.images.size() >= MAX_IMAGES
                ? 0
                : Math.max(0, Math.min(debounce.toNanos(), untilDeadline));
        window.close = timers.schedule(() -> close(repository), delay, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void close(String repository) {
    Open window;
    synchronized (this) {
      window = open.remove(repository);
      if (window == null) {
        return;
      }
      CompletableFuture<Void> previous =
          deciding.getOrDefault(repository, CompletableFuture.completedFuture(null));
      CompletableFuture<Void> next =
          previous.thenRunAsync(() -> decide(repository, window), coordinators);
      deciding.put(repository, next);
      next.whenComplete(
          (ignored, error) -> {
            synchronized (this) {
              deciding.remove(repository, next);
            }
          });
    }
  }

  private void decide(String repository, Open window) {
    log.info(
        "push window closed",
        keyValue("repository", repository),
        keyValue("images", window.images.stream().map(ImageReference::toString).toList()),
        keyValue("trigger", window.trigger));
    try {
      rollouts.decide(
          repository,
          Window.pushed(List.copyOf(window.images)),
          window.trigger,
          window.startedNanos,
          workers);
    } catch (RuntimeException e) {
      log.error("deciding the window of {} failed", repository, e);
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    coordinators.shutdownNow();
    workers.shutdownNow();
  }
}
