package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.LeaderElection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a set of informers and reconcile loops under leader election: the informers run on every
 * replica (ready when all have synced), the loops reconcile only on the leader. A replica that
 * becomes leader queues every key each loop knows, so nothing that changed while another replica
 * led (or while none did) is missed; the same happens every resync period.
 */
public final class ControllerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControllerRuntime.class);

  private record Loop(ReconcileLoop loop, Supplier<Collection<String>> keys) {}

  private final LeaderElection election;
  private final List<Informer> informers = new CopyOnWriteArrayList<>();
  private final List<LeaderElection.Listener> leading = new CopyOnWriteArrayList<>();
  private final CountDownLatch informersStarted = new CountDownLatch(1);
  private volatile boolean allSynced;
  private volatile boolean campaigning;
  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final Duration resync;
  private Thread resyncThread;
  private volatile long syncDeadline = Long.MAX_VALUE;
  private volatile boolean closed;

  public ControllerRuntime(LeaderElection election, Duration resync) {
    this.election = election;
    this.resync = resync;
    election.listener(
        new LeaderElection.Listener() {
          @Override
          public void startedLeading() {
            // The election may be won while the process is still being wired: the leader's work
            // waits until every informer is registered and started, then until they have synced,
            // so it sees every key and runs every leadership listener.
            if (!awaitInformersStarted() || !awaitSynced()) {
              log.warn("leading before the informers have synced: reconciles wait");
            }
            if (!election.isLeader()) {
              return; // lost meanwhile (or closing): the next election starts over
            }
            enqueueAll("became leader");
            leading.forEach(l -> l.startedLeading());
          }

          @Override
          public void stoppedLeading() {
            leading.forEach(l -> l.stoppedLeading());
          }
        });
  }

  /** Runs {@code started} when this replica becomes leader and {@code stopped} when it stops. */
  public void onLeadership(Runnable started, Runnable stopped) {
    leading.add(
        new LeaderElection.Listener() {
          @Override
          public void startedLeading() {
            started.run();
          }

          @Override
          public void stoppedLeading() {
            stopped.run();
          }
        });
  }

  /**
   * Campaigns for leadership now, while the process is still being wired (the Lease's round trips
   * overlap the rest of the start); leading waits for {@link #startInformers} and the first lists.
   */
  public void campaign() {
    if (!campaigning) {
      campaigning = true;
      election.start();
    }
  }

  /**
   * Starts the informers registered so far (once every part has registered its own: they list while
   * the servers start); an informer registered later starts at once.
   */
  public synchronized void startInformers() {
    if (informersStarted.getCount() > 0) {
      informers.forEach(Informer::start);
      informersStarted.countDown();
    }
  }

  /** An informer to start with the others. */
  public synchronized Informer informer(Informer informer) {
    informers.add(informer);
    if (informersStarted.getCount() == 0) {
      informer.start();
    }
    return informer;
  }

  /** A loop to start, and the keys it must look at after an election and every resync. */
  public ReconcileLoop loop(ReconcileLoop loop, Supplier<Collection<String>> keys) {
    loops.add(new Loop(loop, keys));
    return loop;
  }

  public boolean isLeader() {
    return election.isLeader();
  }

  /** Whether every informer has listed once. */
  public boolean synced() {
    if (allSynced) {
      return true; // an informer, once synced, stays synced (the intake asks on every request)
    }
    boolean now =
        informersStarted.getCount() == 0 && informers.stream().allMatch(Informer::hasSynced);
    allSynced = now;
    return now;
  }

  /**
   * Starts the informers and campaigns meanwhile (a new leader's work waits for the sync, so the
   * election's round trips overlap the first lists); the loops' workers start once the informers
   * have synced, or after {@code syncTimeout}.
   */
  public void start(Duration syncTimeout) throws InterruptedException {
    this.syncDeadline = System.nanoTime() + syncTimeout.toNanos();
    startInformers();
    campaign();
    if (!awaitSynced()) {
      log.warn("informers not synced after {}: starting anyway, reconciles wait", syncTimeout);
    }
    loops.forEach(l -> l.loop().start());
    resyncThread = new Thread(this::resyncForever, "controller-resync");
    resyncThread.setDaemon(true);
    resyncThread.start();
  }

  /** Waits until {@link #startInformers} has run; whether it has. */
  private boolean awaitInformersStarted() {
    try {
      while (!informersStarted.await(100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until every informer has listed once, or the sync deadline; whether they have. */
  private boolean awaitSynced() {
    while (!synced() && System.nanoTime() < syncDeadline && !closed) {
      try {
        Thread.sleep(20); // waiting on an external process: the API server's first lists
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return synced();
  }

  private void resyncForever() {
    while (!closed) {
      try {
        Thread.sleep(resync.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      enqueueAll("resync");
    }
  }

  private void enqueueAll(String why) {
    int total = 0;
    for (Loop loop : loops) {
      Collection<String> keys = loop.keys().get();
      loop.loop().enqueuePass(keys, why);
      total += keys.size();
    }
    log.info("queued {} keys ({})", total, why);
  }

  @Override
  public void close() {
    closed = true;
    if (resyncThread != null) {
      resyncThread.interrupt();
    }
    election.close();
    loops.forEach(l -> l.loop().close());
    informers.forEach(Informer::close);
  }
}
