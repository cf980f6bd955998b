package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io Lease (read and written as JSON, see {@link LeaseLock})
 * with client-java's {@link LeaderElector}: one replica leads (and writes); the others wait and
 * take over within the lease duration when it stops renewing. A leader that cannot renew within the
 * renew deadline stops leading (its writes are refused from then on, see {@link KubeRest#gated})
 * and campaigns again. A leader that is closed (a rolling update, a drained node) releases the
 * Lease, as client-go's {@code ReleaseOnCancel} does, so another replica takes over within a retry
 * period instead of a lease duration.
 *
 * <p>A won Lease is acted on at once: client-java's elector looks at its own successful attempt
 * only after sleeping a whole retry period (2 s), so the write that made this replica the holder
 * starts the leadership itself, unless the elector that made it has finished meanwhile.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** Called on leadership changes, on the election's thread. */
  public interface Listener {
    void startedLeading();

    void stoppedLeading();
  }

  /** client-go's defaults for controllers. */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private final KubeRest rest;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean leading = new AtomicBoolean();
  private volatile boolean closed;
  private volatile LeaderElector elector;
  private Thread thread;

  /** Counts the electors that finished: a Lease write of an earlier one starts nothing. */
  private long term;

  public LeaderElection(
      ApiClient client, String namespace, String leaseName, String identity, Timing timing) {
    this.rest = new KubeRest(client, new ObjectMapper());
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.timing = timing;
  }

  public LeaderElection listener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  /** Whether this replica holds the Lease now. */
  public boolean isLeader() {
    return leading.get() && !closed;
  }

  public String identity() {
    return identity;
  }

  /** Campaigns in the background, again and again until closed. */
  public void start() {
    thread = new Thread(this::campaign, "leader-election");
    thread.setDaemon(true);
    thread.start();
  }

  private void campaign() {
    while (!closed) {
      long current;
      synchronized (this) {
        current = term;
      }
      LeaderElectionConfig config =
          new LeaderElectionConfig(
              new LeaseLock(rest, namespace, leaseName, identity, () -> held(current)),
              timing.leaseDuration(),
              timing.renewDeadline(),
              timing.retryPeriod());
      elector = new LeaderElector(config, error -> log.debug("lease attempt failed", error));
      try {
        elector.run(this::started, this::stopped);
      } catch (RuntimeException e) {
        log.warn("leader election failed, campaigning again: {}", e.getMessage());
      } finally {
        synchronized (this) {
          term++;
        }
        elector.close();
      }
      stopped();
    }
  }

  /**
   * The elector of {@code electorTerm} wrote the Lease with this replica as its holder: leads now,
   * on a thread of its own (the elector's worker must not wait for the listeners), unless that
   * elector has finished since.
   */
  private void held(long electorTerm) {
    if (leading.get()) {
      return;
    }
    Thread.ofVirtual()
        .name("leader-elected")
        .start(
            () -> {
              synchronized (this) {
                if (term == electorTerm) {
                  started();
                }
              }
            });
  }

  private void started() {
    if (closed || !leading.compareAndSet(false, true)) {
      return;
    }
    log.info("became the leader (lease {}/{}, identity {})", namespace, leaseName, identity);
    for (Listener listener : listeners) {
      listener.startedLeading();
    }
  }

  private void stopped() {
    if (!leading.compareAndSet(true, false)) {
      return;
    }
    log.warn("stopped leading (lease {}/{}): writes stop until re-elected", namespace, leaseName);
    for (Listener listener : listeners) {
      listener.stoppedLeading();
    }
  }

  @Override
  public void close() {
    boolean wasLeading = leading.get();
    closed = true;
    LeaderElector current = elector;
    if (current != null) {
      current.close();
    }
    if (thread != null) {
      thread.interrupt();
    }
    stopped();
    if (wasLeading) {
      release();
    }
  }

  /**
   * Gives the Lease up if this replica still holds it: no holder, a one-second duration (client-go
   * writes the same), conditional on the version read so a successor's record is never overwritten.
   */
  private void release() {
    try {
      Optional<KubeObject> lease = rest.get(ApiResource.LEASES, namespace, leaseName);
      if (lease.isEmpty()) {
        return;
      }
      ObjectNode node = lease.get().copy();
      LeaderElectionRecord record = LeaseLock.record(node.path("spec"));
      if (!identity.equals(record.getHolderIdentity())) {
        return;
      }
      Date now = new Date();
      record.setHolderIdentity(null);
      record.setLeaseDurationSeconds(1);
      record.setRenewTime(now);
      record.setAcquireTime(now);
      LeaseLock.spec(record, node.with("spec"));
      rest.replace(ApiResource.LEASES, node);
      log.info("released the lease {}/{} for a successor", namespace, leaseName);
    } catch (KubeException | RuntimeException e) {
      log.warn(
          "could not release the lease {}/{} (a successor waits for it to expire): {}",
          namespace,
          leaseName,
          e.getMessage());
    }
  }
}
