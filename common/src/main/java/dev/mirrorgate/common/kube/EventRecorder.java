package dev.mirrorgate.common.kube;

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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes core/v1 Events (what {@code kubectl describe} and {@code kubectl get events} show) in the
 * namespace of the object they are about. Needs {@code create} on {@code events} there.
 */
public final class EventRecorder {
  /**
   * The API server keeps longer messages, but tools show about this much; events.k8s.io caps it.
   */
  public static final int MAX_MESSAGE = 1024;

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
    String name =
        subject.name()
            + "."
            + HexFormat.of().toHexDigits(clock.millis())
            + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
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
            .message(truncate(message))
            .source(new V1EventSource().component(component))
            .reportingComponent(component)
            .reportingInstance(instance)
            .firstTimestamp(now)
            .lastTimestamp(now)
            .count(1);
    core.createNamespacedEvent(subject.namespace(), event).execute();
  }

  /**
   * Joins {@code errors} into one message of at most {@link #MAX_MESSAGE} characters; what does not
   * fit is counted ("and 3 more (see the log)").
   */
  public static String joinErrors(List<String> errors) {
    String all = String.join("; ", errors);
    if (all.length() <= MAX_MESSAGE) {
      return all;
    }
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < errors.size(); i++) {
      String next = (i == 0 ? "" : "; ") + errors.get(i);
      String suffix = "; and " + (errors.size() - i) + " more (see the log)";
      if (message.length() + next.length() + suffix.length() > MAX_MESSAGE) {
        if (i == 0) { // the first error alone is too long: cut it
          String rest =
              errors.size() == 1 ? "" : "; and " + (errors.size() - 1) + " more (see the log)";
          return next.substring(0, MAX_MESSAGE - rest.length() - 1) + "…" + rest;
        }
        return message.append(suffix).toString();
      }
      message.append(next);
    }
    return message.toString();
  }

  static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
