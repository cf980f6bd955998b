package dev.mirrorgate.webhook.kube;

import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.kube.InvolvedObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes core/v1 Events (what {@code kubectl describe} and {@code kubectl get events} show) in the
 * namespace of the object they are about. Needs {@code create} on {@code events} there.
 */
public final class EventRecorder {
  private final CoreV1Api core;
  private final String component;
  private final String instance;
  private final Clock clock;

  /**
   * @param component e.g. {@code mirrorgate-webhook}
   * @param instance e.g. the Pod name
   */
  public EventRecorder(ApiClient client, String component, String instance, Clock clock) {
    this.core = new CoreV1Api(client);
    this.component = component;
    this.instance = instance;
    this.clock = clock;
  }

  /**
   * Records a Warning event.
   *
   * @throws ApiException when the API server refuses it (e.g. RBAC)
   */
  public void warning(InvolvedObject subject, String reason, String message) throws ApiException {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    String name = EventMessages.eventName(subject.name(), clock.millis());
    CoreV1Event event =
        new CoreV1Event()
            .metadata(new V1ObjectMeta().name(name).namespace(subject.namespace()))
            .involvedObject(
                new V1ObjectReference()
                    .apiVersion(subject.apiVersion())
                    .kind(subject.kind())
                    .namespace(subject.namespace())
                    .name(subject.name())
                    .uid(subject.uid())
                    .resourceVersion(subject.resourceVersion()))
            .type("Warning")
            .reason(reason)
            .message(EventMessages.truncate(message))
            .source(new V1EventSource().component(component))
            .reportingComponent(component)
            .reportingInstance(instance)
            .firstTimestamp(now)
            .lastTimestamp(now)
            .count(1);
    core.createNamespacedEvent(subject.namespace(), event).execute();
  }
}
