package dev.mirrorgate.webhook.deploy.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The registry client's and poller's metrics. Labels are bounded: {@code registry_class} is one of
 * {@link RegistryHosts#registryClass}'s few values (never a raw host name), {@code request} is
 * {@code tags}, {@code manifest_head}, {@code manifest_get} or {@code token}, {@code result} is
 * {@code ok} or a {@link RegistryError.Kind} label.
 *
 * <ul>
 *   <li>{@code mirrorgate_registry_requests_total{registry_class, request, result}}
 *   <li>{@code mirrorgate_registry_polls_total{result}}
 *   <li>{@code mirrorgate_registry_polled_repositories} and {@code
 *       mirrorgate_registry_failing_repositories}
 * </ul>
 */
public final class RegistryMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public RegistryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void request(String registryClass, String request, String result) {
    counter(
            "mirrorgate.registry.requests",
            "Requests to registries by registry class, request and result",
            "registry_class",
            registryClass,
            "request",
            request,
            "result",
            result)
        .increment();
  }

  void poll(String result) {
    counter("mirrorgate.registry.polls", "Polls of repositories by result", "result", result)
        .increment();
  }

  void repositories(Supplier<Number> polled, Supplier<Number> failing) {
    Gauge.builder("mirrorgate.registry.polled.repositories", polled)
        .description("Repositories the poller watches")
        .register(registry);
    Gauge.builder("mirrorgate.registry.failing.repositories", failing)
        .description("Repositories whose last poll failed")
        .register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(
        name + String.join("/", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
