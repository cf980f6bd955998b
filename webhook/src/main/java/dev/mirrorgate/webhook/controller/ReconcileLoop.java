package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.NotLeaderException;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.BucketRateLimiter;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import io.kubernetes.client.extended.workqueue.ratelimiter.MaxOfRateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconciler driven by client-java's rate-limited work queue: a key is queued once however often
 * it is added while waiting, never reconciled by two workers at once, retried with exponential
 * backoff (50 ms to 5 minutes) after an error, and requeued after the delay a reconcile asks for.
 * Only the leader reconciles; on other replicas keys are dropped (the leader's informers see the
 * same changes, and a replica that becomes leader queues everything).
 */
public final class ReconcileLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final Reconciler reconciler;
  private final int workers;
  private final BooleanSupplier leading;
  private final ControllerMetrics metrics;
  private final ExecutorService delays;
  private final RateLimitingQueue<String> queue;
  private final List<Thread> threads = new ArrayList<>();
  private volatile Pass pass;

  /** The keys of one {@link #enqueuePass}, each counted once its first reconcile has ended. */
  private record Pass(String why, Set<String> left, int keys, long started, AtomicInteger failed) {}

  public ReconcileLoop(
      Reconciler reconciler, int workers, BooleanSupplier leading, ControllerMetrics metrics) {
    this.reconciler = reconciler;
    this.workers = workers;
    this.leading = leading;
    this.metrics = metrics;
    this.delays =
        Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name(reconciler.name() + "-delays").factory());
    this.queue =
        new DefaultRateLimitingQueue<>(
            delays,
            new MaxOfRateLimiter<>(
                List.of(
                    new ItemExponentialFailureRateLimiter<>(
                        Duration.ofMillis(50), Duration.ofMinutes(5)),
                    new BucketRateLimiter<>(100, 10, Duration.ofSeconds(1)))));
    metrics.queue(reconciler.name(), queue::length);
  }

  /** Queues {@code key} for a reconcile. */
  public void enqueue(String key) {
    queue.add(key);
  }

  /**
   * Queues every key of {@code keys} (all of this controller's objects, when it becomes leader or
   * on a resync) and logs once each of them has been reconciled once: how long the whole set took
   * to be caught up with, and how many of those first attempts failed (those are retried).
   */
  public void enqueuePass(Collection<String> keys, String why) {
    if (keys.isEmpty()) {
      return;
    }
    Set<String> left = ConcurrentHashMap.newKeySet(keys.size());
    left.addAll(keys);
    pass = new Pass(why, left, left.size(), System.nanoTime(), new AtomicInteger());
    keys.forEach(queue::add);
  }

  /** Queues {@code key} after {@code delay}. */
  public void enqueueAfter(String key, Duration delay) {
    queue.addAfter(key, delay);
  }

  /** How many keys wait for a worker (not counting those being reconciled or delayed). */
  public int waiting() {
    return queue.length();
  }

  public void start() {
    for (int i = 0; i < workers; i++) {
      threads.add(Thread.ofVirtual().name(reconciler.name() + "-worker-" + i).start(this::work));
    }
  }

  private void work() {
    while (!queue.isShuttingDown()) {
      String key;
      try {
        key = queue.get();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return; // shutting down
      }
      try {
        reconcileOnce(key);
      } finally {
        queue.done(key);
      }
    }
  }

  private void reconcileOnce(String key) {
    if (!leading.getAsBoolean()) {
      queue.forget(key);
      return;
    }
    long started = System.nanoTime();
    String outcome = "success";
    try {
      Result result = reconciler.reconcile(key);
      queue.forget(key);
      result.requeueAfter().ifPresent(delay -> queue.addAfter(key, delay));
    } catch (NotLeaderException e) {
      outcome = "not-leader";
      queue.forget(key);
    } catch (KubeException e) {
      outcome = e.conflict() ? "conflict" : "error";
      retry(key, e.getMessage(), e.conflict());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "error";
    } catch (Exception e) {
      outcome = "error";
      log.error("{} {}: unexpected failure", reconciler.name(), key, e);
      queue.addRateLimited(key);
    } finally {
      metrics.reconciled(reconciler.name(), outcome, System.nanoTime() - started);
      passed(key, outcome);
    }
  }

  private void passed(String key, String outcome) {
    Pass current = pass;
    if (current == null || !current.left().remove(key)) {
      return;
    }
    if (!"success".equals(outcome)) {
      current.failed().incrementAndGet();
    }
    if (current.left().isEmpty()) {
      log.info(
          "reconciled every key queued",
          StructuredArguments.keyValue("controller", reconciler.name()),
          StructuredArguments.keyValue("why", current.why()),
          StructuredArguments.keyValue("keys", current.keys()),
          StructuredArguments.keyValue("failed", current.failed().get()),
          StructuredArguments.keyValue(
              "millis", (System.nanoTime() - current.started()) / 1_000_000));
    }
  }

  private void retry(String key, String why, boolean conflict) {
    int attempt = queue.numRequeues(key) + 1;
    if (conflict) {
      log.debug("{} {}: conflict, retrying: {}", reconciler.name(), key, why);
    } else {
      log.warn(
          "reconcile failed, retrying with backoff",
          StructuredArguments.keyValue("controller", reconciler.name()),
          StructuredArguments.keyValue("key", key),
          StructuredArguments.keyValue("attempt", attempt),
          StructuredArguments.keyValue("error", why));
    }
    queue.addRateLimited(key);
  }

  @Override
  public void close() {
    queue.shutDown();
    for (Thread thread : threads) {
      thread.interrupt();
    }
    delays.shutdownNow();
  }
}
