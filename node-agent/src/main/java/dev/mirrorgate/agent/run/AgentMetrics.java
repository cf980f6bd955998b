package dev.mirrorgate.agent.run;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the health endpoints and {@code /metrics} report. Every failure of the running agent lands
 * here as well as in the log: a counter by kind ({@code apply}: node files; {@code mirrors}: a
 * refused or unreadable document; {@code watch}: the ConfigMap watch; {@code internal}: a thread
 * that died), a reason for {@code /readyz} while it lasts, and for {@code /healthz} once applies
 * have failed {@link #UNHEALTHY_AFTER} times in a row or a thread died (a restart may help then).
 */
public final class AgentMetrics {

  /** Outcome of the most recent apply. */
  public record LastApply(Instant at, boolean ok, String error) {}

  /** Consecutive failed applies after which {@code /healthz} fails. */
  public static final int UNHEALTHY_AFTER = 3;

  private final AtomicReference<LastApply> last = new AtomicReference<>();
  private final AtomicReference<Instant> firstSuccess = new AtomicReference<>();
  private final AtomicLong applies = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong driftRepairs = new AtomicLong();
  private final AtomicLong applyErrors = new AtomicLong();
  private final AtomicLong mirrorsErrors = new AtomicLong();
  private final AtomicLong watchErrors = new AtomicLong();
  private final AtomicLong internalErrors = new AtomicLong();
  private final AtomicInteger failedInARow = new AtomicInteger();
  private final AtomicLong mirrors = new AtomicLong();
  private final AtomicLong lastDurationMicros = new AtomicLong();
  private volatile String documentProblem;
  private volatile String watchProblem;
  private volatile String internalProblem;
  private volatile boolean stopped;

  void applied(Instant at, int mirrorCount, int written, boolean drift, long tookMicros) {
    lastDurationMicros.set(tookMicros);
    last.set(new LastApply(at, true, null));
    firstSuccess.compareAndSet(null, at);
    failedInARow.set(0);
    applies.incrementAndGet();
    writes.addAndGet(written);
    mirrors.set(mirrorCount);
    if (drift) {
      driftRepairs.incrementAndGet();
    }
  }

  /** An apply failed; returns how many have failed in a row. */
  int applyFailed(Instant at, String error) {
    last.set(new LastApply(at, false, error));
    applies.incrementAndGet();
    applyErrors.incrementAndGet();
    return failedInARow.incrementAndGet();
  }

  /** The current document is refused (counted once per distinct refusal by the caller). */
  void documentRefused(String problem) {
    mirrorsErrors.incrementAndGet();
    documentProblem = problem;
  }

  void documentAccepted() {
    documentProblem = null;
  }

  void watchFailed(String problem) {
    watchErrors.incrementAndGet();
    watchProblem = problem;
  }

  void watchWorks() {
    watchProblem = null;
  }

  /** A thread of the agent failed outside any apply: the process may be broken. */
  public void internalError(String problem) {
    internalErrors.incrementAndGet();
    internalProblem = problem;
  }

  void stopped() {
    stopped = true;
  }

  public LastApply last() {
    return last.get();
  }

  public boolean ready() {
    return notReady().isEmpty();
  }

  /** Why the agent is not ready, or empty when the node matches the current document. */
  public Optional<String> notReady() {
    if (stopped) {
      return Optional.empty(); // after a cleanup, doing nothing is what is wanted
    }
    LastApply l = last.get();
    if (l != null && !l.ok()) {
      return Optional.of("last apply failed: " + l.error());
    }
    String doc = documentProblem;
    if (doc != null) {
      return Optional.of(
          (firstSuccess.get() == null ? "" : "the last good document stays applied; ")
              + "mirrors document refused: "
              + doc);
    }
    if (firstSuccess.get() == null) {
      return Optional.of("no successful apply yet");
    }
    String watch = watchProblem;
    if (watch != null) {
      return Optional.of("the mirrors ConfigMap cannot be watched: " + watch);
    }
    String internal = internalProblem;
    return internal == null ? Optional.empty() : Optional.of("internal error: " + internal);
  }

  /** Why a restart is needed, or empty. */
  public Optional<String> unhealthy() {
    String internal = internalProblem;
    if (internal != null) {
      return Optional.of("internal error: " + internal);
    }
    int failed = failedInARow.get();
    LastApply l = last.get();
    if (!stopped && failed >= UNHEALTHY_AFTER && l != null && !l.ok()) {
      return Optional.of("the last " + failed + " applies failed: " + l.error());
    }
    return Optional.empty();
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
    gauge(
        b,
        "mirrorgate_node_apply_failures_in_a_row",
        "Consecutive failed applies (/healthz fails at " + UNHEALTHY_AFTER + ").",
        failedInARow.get());
    gauge(
        b,
        "mirrorgate_node_document_refused",
        "1 while the current mirrors document is refused (the last good one stays applied).",
        documentProblem == null ? 0 : 1);
    gauge(b, "mirrorgate_node_ready", "1 when /readyz answers 200.", ready() ? 1 : 0);
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
        .append("# TYPE mirrorgate_node_errors_total counter\n");
    error(b, "apply", applyErrors);
    error(b, "mirrors", mirrorsErrors);
    error(b, "watch", watchErrors);
    error(b, "internal", internalErrors);
    return b.toString();
  }

  private static void error(StringBuilder b, String kind, AtomicLong count) {
    b.append("mirrorgate_node_errors_total{kind=\"")
        .append(kind)
        .append("\"} ")
        .append(count.get())
        .append('\n');
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
