package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.kube.InvolvedObject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes core/v1 Events (what {@code kubectl describe} and {@code kubectl get events} show) in the
 * namespace of the object they are about, at once (the admission server's rare rejections; the
 * controller queues its Events in {@code EventSink}). Needs {@code create} on {@code events} there.
 */
public final class EventRecorder {
  private final KubeRest rest;
  private final String component;
  private final String instance;
  private final Clock clock;

  /**
   * @param component e.g. {@code mirrorgate-webhook}
   * @param instance e.g. the Pod name
   */
  public EventRecorder(KubeRest rest, String component, String instance, Clock clock) {
    this.rest = rest;
    this.component = component;
    this.instance = instance;
    this.clock = clock;
  }

  /**
   * Records a Warning event.
   *
   * @throws KubeException when the API server refuses it (e.g. RBAC)
   */
  public void warning(InvolvedObject subject, String reason, String message) throws KubeException {
    rest.create(
        ApiResource.EVENTS, event(subject, "Warning", reason, message, component, instance, clock));
  }

  /**
   * A core/v1 Event about {@code subject}, as both deployables write them. The API server files
   * Events of cluster-scoped objects in {@code default} (an Event's namespace must be its
   * object's); {@code kubectl describe} finds them there.
   */
  public static ObjectNode event(
      InvolvedObject subject,
      String type,
      String reason,
      String message,
      String component,
      String instance,
      Clock clock) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("apiVersion", "v1").put("kind", "Event");
    event
        .putObject("metadata")
        .put("name", EventMessages.eventName(subject.name(), clock.millis()))
        .put("namespace", subject.namespace() == null ? "default" : subject.namespace());
    ObjectNode involved =
        event
            .putObject("involvedObject")
            .put("apiVersion", subject.apiVersion())
            .put("kind", subject.kind());
    if (subject.namespace() != null) {
      involved.put("namespace", subject.namespace());
    }
    involved
        .put("name", subject.name())
        .put("uid", subject.uid())
        .put("resourceVersion", subject.resourceVersion());
    event.put("type", type).put("reason", reason);
    event.put("message", EventMessages.truncate(message));
    event.putObject("source").put("component", component);
    event.put("reportingComponent", component).put("reportingInstance", instance);
    event.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
    return event;
  }
}
