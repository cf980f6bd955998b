package dev.mirrorgate.webhook.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The webhook's Prometheus metrics. Every label is bounded: operations and outcomes are fixed sets,
 * rules come from the mapping (a handful), reload results are fixed.
 */
public final class WebhookMetrics {
  static final int MAX_RULE_LABELS = 100;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> rewrites = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> reloads = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> certificateErrors = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> servingNotAfter = new AtomicReference<>();
  private final Timer latency;

  public WebhookMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    latency =
        Timer.builder("mirrorgate.admission.duration")
            .description("Time to answer an admission request, from body received to response")
            .serviceLevelObjectives(
                Duration.ofNanos(50_000),
                Duration.ofNanos(100_000),
                Duration.ofNanos(250_000),
                Duration.ofNanos(500_000),
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(250))
            .register(registry);
  }

  /** Counts an admission request. {@code operation}: CREATE, UPDATE, ... or "unknown". */
  public void request(String operation, Outcome outcome, long nanos) {
    String op =
        switch (operation) {
          case "CREATE", "UPDATE", "DELETE", "CONNECT" -> operation;
          default -> "unknown";
        };
    requests
        .computeIfAbsent(
            op + '/' + outcome,
            k ->
                Counter.builder("mirrorgate.admission.requests")
                    .description("Admission requests by operation and outcome")
                    .tag("operation", op)
                    .tag("outcome", outcome.label())
                    .register(registry))
        .increment();
    latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * Counts one image rewritten by {@code rule}. Rules come from the mapping; past {@value
   * #MAX_RULE_LABELS} distinct rules the rest are counted as {@code other}.
   */
  public void imageRewritten(String rule) {
    String label = rewrites.size() < MAX_RULE_LABELS || rewrites.containsKey(rule) ? rule : "other";
    rewrites
        .computeIfAbsent(
            label,
            k ->
                Counter.builder("mirrorgate.images.rewritten")
                    .description("Images rewritten, by mapping rule")
                    .tag("rule", label)
                    .register(registry))
        .increment();
  }

  /** Counts a mapping (re)load attempt: {@code loaded}, {@code invalid} or {@code unreadable}. */
  public void mappingReload(String source, String result) {
    reloads
        .computeIfAbsent(
            source + '/' + result,
            k ->
                Counter.builder("mirrorgate.mapping.reloads")
                    .description("Mapping loads by source and result")
                    .tag("source", source)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  /**
   * The serving certificate's notAfter: {@code mirrorgate_certificate_expiry_seconds} is the time
   * left until then (negative once expired), by {@code clock}.
   */
  public void servingCertificate(Instant notAfter, Clock clock) {
    if (servingNotAfter.getAndSet(notAfter) == null) {
      Gauge.builder(
              "mirrorgate.certificate.expiry",
              servingNotAfter,
              ref -> Duration.between(clock.instant(), ref.get()).toMillis() / 1000.0)
          .description("Time left until the serving certificate expires")
          .baseUnit("seconds")
          .register(registry);
    }
  }

  /**
   * Counts a certificate problem. {@code reason} is one of a fixed set: expired, not_yet_valid,
   * mismatch, malformed, api.
   */
  public void certificateError(String reason) {
    certificateErrors
        .computeIfAbsent(
            reason,
            k ->
                Counter.builder("mirrorgate.certificate.errors")
                    .description("Certificate problems by reason; the previous certificate serves")
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** What happened to an admission request. */
  public enum Outcome {
    PATCHED("patched"),
    UNCHANGED("unchanged"),
    SKIPPED("skipped"),
    REJECTED("rejected"),
    ERROR("error");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
