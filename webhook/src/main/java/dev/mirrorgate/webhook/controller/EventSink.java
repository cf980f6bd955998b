package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.kube.InvolvedObject;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.EventRecorder;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events about the controller's objects ({@code kubectl describe} shows them). Like
 * client-go's event broadcaster, recording never waits for the API server: an Event is queued (at
 * most {@link #CAPACITY}) and one thread writes the queue in order, so a reconcile's latency does
 * not include its Events. An Event that cannot be written, or finds the queue full, is logged and
 * counted ({@code mirrorgate_controller_events_dropped_total}), never fails a reconcile.
 */
public final class EventSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventSink.class);
  private static final String COMPONENT = "mirrorgate-controller";
  static final int CAPACITY = 4096;

  private final KubeRest rest;
  private final String instance;
  private final Clock clock;
  private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Counter dropped;
  private final Thread sender;
  private volatile boolean closed;

  public EventSink(KubeRest rest, String instance, Clock clock, MeterRegistry metrics) {
    this.rest = rest;
    this.instance = instance;
    this.clock = clock;
    this.dropped =
        Counter.builder("mirrorgate_controller_events_dropped_total")
            .description("Events not written: the queue was full or the API server refused them")
            .register(metrics);
    this.sender = new Thread(this::send, "event-sink");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  public void normal(KubeObject subject, String reason, String message) {
    record(subject, "Normal", reason, message);
  }

  public void warning(KubeObject subject, String reason, String message) {
    record(subject, "Warning", reason, message);
  }

  private void record(KubeObject subject, String type, String reason, String message) {
    ObjectNode event =
        EventRecorder.event(
            new InvolvedObject(
                subject.getApiVersion(),
                subject.getKind(),
                subject.namespace(),
                subject.name(),
                subject.uid(),
                subject.resourceVersion()),
            type,
            reason,
            message,
            COMPONENT,
            instance,
            clock);
    if (closed || !queue.offer(event)) {
      dropped.increment();
      log.warn("event queue full, dropping {} event {} on {}", type, reason, subject);
    }
  }

  private void send() {
    List<ObjectNode> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, 255);
      merge(batch).forEach(this::write);
      batch.clear();
    }
  }

  /**
   * Events waiting together about the same object with the same type and reason become one, their
   * messages joined in order ({@code Created Service a; Created Secret b}): a burst (a cold start
   * creating five objects per mirror) costs the API server one write per object and reason.
   */
  static List<ObjectNode> merge(List<ObjectNode> batch) {
    Map<String, ObjectNode> merged = new LinkedHashMap<>();
    for (ObjectNode event : batch) {
      String key =
          event.at("/involvedObject/uid").asText()
              + "/"
              + event.path("type").asText()
              + "/"
              + event.path("reason").asText();
      ObjectNode first = merged.putIfAbsent(key, event);
      if (first != null) {
        first.put(
            "message",
            EventMessages.truncate(
                first.path("message").asText() + "; " + event.path("message").asText()));
      }
    }
    return List.copyOf(merged.values());
  }

  private void write(ObjectNode event) {
    try {
      rest.create(ApiResource.EVENTS, event);
    } catch (KubeException | RuntimeException e) {
      dropped.increment();
      log.warn(
          "cannot record {} event {} on {} {}: {}",
          event.path("type").asText(),
          event.path("reason").asText(),
          event.at("/involvedObject/kind").asText(),
          event.at("/involvedObject/name").asText(),
          e.getMessage());
    }
  }

  /** Writes what is queued (for up to {@code timeout}), then stops. */
  public void close(Duration timeout) {
    closed = true;
    sender.interrupt();
    try {
      sender.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    ObjectNode event;
    while (System.nanoTime() < deadline && (event = queue.poll()) != null) {
      write(event);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}
