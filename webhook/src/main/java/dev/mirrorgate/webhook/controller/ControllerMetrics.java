package dev.mirrorgate.webhook.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The controller process's Prometheus metrics. Labels are bounded: controller names and kinds are
 * fixed sets in the code, results are {@code success}, {@code error}, {@code conflict}.
 */
public final class ControllerMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  private final Timer applyLatency;

  public ControllerMetrics() {
    applyLatency =
        Timer.builder("mirrorgate.deploy.apply.duration")
            .description("From the first push of a window to the workload patched")
            .serviceLevelObjectives(
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** One reconcile of {@code controller} ended with {@code result}, taking {@code nanos}. */
  public void reconciled(String controller, String result, long nanos) {
    counter(
            "mirrorgate.controller.reconciles",
            "Reconciles by controller and result",
            "controller",
            controller,
            "result",
            result)
        .increment();
    timers
        .computeIfAbsent(
            controller,
            c ->
                Timer.builder("mirrorgate.controller.reconcile.duration")
                    .description("Time one reconcile takes")
                    .tag("controller", c)
                    .serviceLevelObjectives(
                        Duration.ofMillis(5),
                        Duration.ofMillis(25),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                    .register(registry))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** An owned object was found changed or deleted by someone else and put back. */
  public void driftRepaired(String controller, String kind) {
    counter(
            "mirrorgate.controller.drift.repairs",
            "Owned objects edited or deleted by hand and repaired",
            "controller",
            controller,
            "kind",
            kind)
        .increment();
  }

  /** An owned object was created, updated or deleted by the controller. */
  public void written(String controller, String kind, String action) {
    counter(
            "mirrorgate.controller.writes",
            "Owned objects written by the controller, by kind and action",
            "controller",
            controller,
            "kind",
            kind,
            "action",
            action)
        .increment();
  }

  /** The serving certificate could not be obtained or renewed ({@code reason}: a fixed set). */
  public void certificateProblem(String reason) {
    counter(
            "mirrorgate.controller.certificate.errors",
            "Problems obtaining or renewing the serving certificate",
            "reason",
            reason)
        .increment();
  }

  /** A push-to-deploy decision for one container ({@code outcome}: the engine's fixed set). */
  public void decided(String outcome) {
    counter(
            "mirrorgate.deploy.decisions",
            "Push-to-deploy decisions per container, by outcome",
            "outcome",
            outcome)
        .increment();
  }

  /** A workload was patched, {@code nanos} after the first push of its window arrived. */
  public void applied(long nanos) {
    applyLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Exposes the depth of a controller's work queue. */
  public void queue(String controller, IntSupplier depth) {
    Gauge.builder("mirrorgate.controller.queue.depth", depth::getAsInt)
        .description("Keys waiting in the controller's work queue")
        .tag("controller", controller)
        .register(registry);
  }

  /** Exposes whether this replica leads (1) or not (0). */
  public void leader(BooleanSupplier leading) {
    Gauge.builder("mirrorgate.controller.leader", () -> leading.getAsBoolean() ? 1 : 0)
        .description("1 while this replica holds the leader Lease")
        .register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("/", tags);
    return counters.computeIfAbsent(
        key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
