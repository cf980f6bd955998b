package dev.mirrorgate.agent.run;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the health endpoint reports: last apply time and result, drift repairs, errors. */
public final class AgentMetrics {

  /** Outcome of the most recent apply. */
  public record LastApply(Instant at, boolean ok, String error) {}

  private final AtomicReference<LastApply> last = new AtomicReference<>();
  private final AtomicReference<Instant> firstSuccess = new AtomicReference<>();
  private final AtomicLong applies = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong driftRepairs = new AtomicLong();
  private final AtomicLong applyErrors = new AtomicLong();
  private final AtomicLong mirrorsErrors = new AtomicLong();
  private final AtomicLong mirrors = new AtomicLong();
  private final AtomicLong lastDurationMicros = new AtomicLong();
  private volatile boolean stopped;

  void applied(Instant at, int mirrorCount, int written, boolean drift, long tookMicros) {
    lastDurationMicros.set(tookMicros);
    last.set(new LastApply(at, true, null));
    firstSuccess.compareAndSet(null, at);
    applies.incrementAndGet();
    writes.addAndGet(written);
    mirrors.set(mirrorCount);
    if (drift) {
      driftRepairs.incrementAndGet();
    }
  }

  void applyFailed(Instant at, String error) {
    last.set(new LastApply(at, false, error));
    applies.incrementAndGet();
    applyErrors.incrementAndGet();
  }

  void mirrorsInvalid() {
    mirrorsErrors.incrementAndGet();
  }

  void stopped() {
    stopped = true;
  }

  public LastApply last() {
    return last.get();
  }

  public boolean ready() {
    return firstSuccess.get() != null;
  }

  public boolean isStopped() {
    return stopped;
  }

  public long driftRepairs() {
    return driftRepairs.get();
  }

  public long applies() {
    return applies.get();
  }

  /** Prometheus text exposition format 0.0.4. */
  public String prometheus() {
    StringBuilder b = new StringBuilder();
    LastApply l = last.get();
    gauge(
        b,
        "mirrorgate_node_last_apply_timestamp_seconds",
        "Time of the last apply attempt.",
        l == null ? 0 : l.at().toEpochMilli() / 1000.0);
    gauge(
        b,
        "mirrorgate_node_last_apply_success",
        "1 when the last apply succeeded.",
        l != null && l.ok() ? 1 : 0);
    gauge(
        b,
        "mirrorgate_node_last_apply_duration_seconds",
        "Duration of the last successful apply.",
        lastDurationMicros.get() / 1e6);
    gauge(b, "mirrorgate_node_mirrors", "Mirrors in the applied document.", mirrors.get());
    gauge(
        b, "mirrorgate_node_cleaned_up", "1 after a cleanup: nothing is written.", stopped ? 1 : 0);
    counter(b, "mirrorgate_node_applies_total", "Apply attempts.", applies.get());
    counter(b, "mirrorgate_node_files_written_total", "Node files written.", writes.get());
    counter(
        b,
        "mirrorgate_node_drift_repairs_total",
        "Applies that repaired files changed under the agent.",
        driftRepairs.get());
    b.append("# HELP mirrorgate_node_errors_total Errors by kind.\n")
        .append("# TYPE mirrorgate_node_errors_total counter\n")
        .append("mirrorgate_node_errors_total{kind=\"apply\"} ")
        .append(applyErrors.get())
        .append('\n')
        .append("mirrorgate_node_errors_total{kind=\"mirrors\"} ")
        .append(mirrorsErrors.get())
        .append('\n');
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, double v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append(' ').append(v).append('\n');
  }

  private static void counter(StringBuilder b, String name, String help, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    b.append(name).append(' ').append(v).append('\n');
  }
}
