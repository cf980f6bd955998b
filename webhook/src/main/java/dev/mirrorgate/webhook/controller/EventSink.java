package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events about the controller's objects ({@code kubectl describe} shows them). An Event
 * that cannot be written is logged, never fails a reconcile.
 */
public final class EventSink {
  private static final Logger log = LoggerFactory.getLogger(EventSink.class);
  private static final String COMPONENT = "mirrorgate-controller";

  private final KubeRest rest;
  private final String instance;
  private final Clock clock;

  public EventSink(KubeRest rest, String instance, Clock clock) {
    this.rest = rest;
    this.instance = instance;
    this.clock = clock;
  }

  public void normal(KubeObject subject, String reason, String message) {
    record(subject, "Normal", reason, message);
  }

  public void warning(KubeObject subject, String reason, String message) {
    record(subject, "Warning", reason, message);
  }

  private void record(KubeObject subject, String type, String reason, String message) {
    // The API server files Events of cluster-scoped objects in "default" (an Event's namespace must
    // be its object's); kubectl describe finds them there.
    String namespace = subject.namespace() == null ? "default" : subject.namespace();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("apiVersion", "v1").put("kind", "Event");
    event
        .putObject("metadata")
        .put("name", EventMessages.eventName(subject.name(), clock.millis()))
        .put("namespace", namespace);
    ObjectNode involved = event.putObject("involvedObject");
    involved.put("apiVersion", subject.getApiVersion()).put("kind", subject.getKind());
    if (subject.namespace() != null) {
      involved.put("namespace", subject.namespace());
    }
    involved
        .put("name", subject.name())
        .put("uid", subject.uid())
        .put("resourceVersion", subject.resourceVersion());
    event.put("type", type).put("reason", reason).put("message", EventMessages.truncate(message));
    event.putObject("source").put("component", COMPONENT);
    event.put("reportingComponent", COMPONENT).put("reportingInstance", instance);
    event.put("firstTimestamp", now.toString()).put("lastTimestamp", now.toString());
    event.put("count", 1);
    try {
      rest.create(ApiResource.EVENTS, event);
    } catch (KubeException | RuntimeException e) {
      log.warn("cannot record {} event {} on {}: {}", type, reason, subject, e.getMessage());
    }
  }
}
