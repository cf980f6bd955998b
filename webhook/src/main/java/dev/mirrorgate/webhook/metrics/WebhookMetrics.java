package dev.mirrorgate.webhook.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

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
  private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
  private final List<Object> suppliers = new java.util.concurrent.CopyOnWriteArrayList<>();
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

  /**
   * The server's limits at work: {@code mirrorgate_connections_open}, {@code
   * mirrorgate_connections_refused_total{reason="limit"|"client_limit"}} (closed at accept), {@code
   * mirrorgate_connections_closed_total{reason="idle"|"slow_request"}} (past a deadline) and {@code
   * mirrorgate_request_body_bytes} (body bytes held now, against the budget), and {@code
   * mirrorgate_request_bodies_total{read="streamed"|"gathered"}} (bodies of several chunks: decoded
   * while they arrived, or gathered off the heap when no stream slot was free).
   */
  public void serverGauges(
      IntSupplier open,
      LongSupplier refusedOverall,
      LongSupplier refusedPerClient,
      LongSupplier closedIdle,
      LongSupplier closedSlow,
      LongSupplier bodyBytes,
      LongSupplier streamedBodies,
      LongSupplier gatheredBodies) {
    // Micrometer holds a gauge's object weakly: keep the suppliers alive as long as the metrics.
    suppliers.addAll(
        List.of(
            open,
            refusedOverall,
            refusedPerClient,
            closedIdle,
            closedSlow,
            bodyBytes,
            streamedBodies,
            gatheredBodies));
    Map.of("streamed", streamedBodies, "gathered", gatheredBodies)
        .forEach(
            (read, count) ->
                FunctionCounter.builder("mirrorgate.request.bodies", count, LongSupplier::getAsLong)
                    .description("Request bodies of several chunks, by how they were read")
                    .tag("read", read)
                    .register(registry));
    Gauge.builder("mirrorgate.connections.open", open, IntSupplier::getAsInt)
        .description("Open connections to the webhook (-1: not counted)")
        .register(registry);
    FunctionCounter.builder(
            "mirrorgate.connections.refused", refusedOverall, LongSupplier::getAsLong)
        .description("Connections closed at accept: the connection cap was reached")
        .tag("reason", "limit")
        .register(registry);
    FunctionCounter.builder(
            "mirrorgate.connections.refused", refusedPerClient, LongSupplier::getAsLong)
        .description("Connections closed at accept: the connection cap was reached")
        .tag("reason", "client_limit")
        .register(registry);
    FunctionCounter.builder("mirrorgate.connections.closed", closedIdle, LongSupplier::getAsLong)
        .description("Connections closed for missing a deadline")
        .tag("reason", "idle")
        .register(registry);
    FunctionCounter.builder("mirrorgate.connections.closed", closedSlow, LongSupplier::getAsLong)
        .description("Connections closed for missing a deadline")
        .tag("reason", "slow_request")
        .register(registry);
    Gauge.builder("mirrorgate.request.body", bodyBytes, LongSupplier::getAsLong)
        .description("Request body bytes held now, across all connections")
        .baseUnit("bytes")
        .register(registry);
  }

  /**
   * Counts a request refused before admission: {@code reason} is one of a fixed set (too_large,
   * budget, content_type, bad_length, expect, method, not_found, no_host, malformed).
   */
  public void requestRefused(String reason) {
    refusals
        .computeIfAbsent(
            reason,
            k ->
                Counter.builder("mirrorgate.requests.refused")
                    .description("Requests refused by the server before admission, by reason")
                    .tag("reason", reason)
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
