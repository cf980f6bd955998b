package dev.mirrorgate.webhook.deploy.intake;

import dev.mirrorgate.common.update.intake.PushEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The intake's metrics, with bounded labels: {@code mirrorgate_intake_events_total{source,result}}
 * (six sources; results {@code accepted}, {@code ignored}, {@code duplicate}), {@code
 * mirrorgate_intake_requests_total{endpoint,status}} (seven endpoints, the statuses the intake
 * answers) and {@code mirrorgate_intake_request_duration_seconds{endpoint}}.
 */
final class IntakeMetrics {
  /** What became of an event. */
  enum Result {
    ACCEPTED,
    IGNORED,
    DUPLICATE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<PushEvent.Source, Map<Result, Counter>> events =
      new EnumMap<>(PushEvent.Source.class);
  private final Map<IntakeRoute, Timer> durations = new EnumMap<>(IntakeRoute.class);
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<IntakeRoute, Counter> accepted = new EnumMap<>(IntakeRoute.class);

  IntakeMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (PushEvent.Source source : PushEvent.Source.values()) {
      Map<Result, Counter> bySource = new EnumMap<>(Result.class);
      for (Result result : Result.values()) {
        bySource.put(
            result,
            Counter.builder("mirrorgate.intake.events")
                .description(
                    "Events received by the push intake, by source and what became of them")
                .tag("source", source.trigger())
                .tag("result", result.label())
                .register(registry));
      }
      events.put(source, bySource);
    }
    for (IntakeRoute route : IntakeRoute.values()) {
      accepted.put(route, requests(route, 202));
      durations.put(
          route,
          Timer.builder("mirrorgate.intake.request.duration")
              .description("Time from a request's head to the intake's answer")
              .tag("endpoint", route.label())
              .serviceLevelObjectives(
                  Duration.ofMillis(1),
                  Duration.ofMillis(5),
                  Duration.ofMillis(25),
                  Duration.ofMillis(100),
                  Duration.ofMillis(500))
              .register(registry));
    }
  }

  void events(PushEvent.Source source, Result result, int count) {
    if (count > 0) {
      events.get(source).get(result).increment(count);
    }
  }

  /** One answer on {@code route} with {@code status} (a code the intake answers: bounded). */
  void answered(IntakeRoute route, int status, long nanos) {
    Counter counter =
        status == 202
            ? accepted.get(route)
            : requests.computeIfAbsent(route.label() + "/" + status, k -> requests(route, status));
    counter.increment();
    durations.get(route).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter requests(IntakeRoute route, int status) {
    return Counter.builder("mirrorgate.intake.requests")
        .description("Requests to the push intake, by endpoint and HTTP status")
        .tag("endpoint", route.label())
        .tag("status", Integer.toString(status))
        .register(registry);
  }
}
