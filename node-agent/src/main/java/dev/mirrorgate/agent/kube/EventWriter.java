package dev.mirrorgate.agent.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mirrorgate.common.kube.EventMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes core/v1 Warning Events about a ConfigMap (what {@code kubectl describe configmap} and
 * {@code kubectl get events} show), with the agent's own client. Needs {@code create} on {@code
 * events} in the ConfigMap's namespace.
 */
public final class EventWriter {

  /** Events are small and a failure to record one must not hold up the node for long. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private static final JsonFactory JSON = new JsonFactory();

  private final KubeEndpoint endpoint;
  private final String component;
  private final String instance;
  private final Clock clock;

  /**
   * @param component e.g. {@code mirrorgate-node-agent}
   * @param instance e.g. the node's name
   */
  public EventWriter(KubeEndpoint endpoint, String component, String instance, Clock clock) {
    this.endpoint = endpoint;
    this.component = component;
    this.instance = instance;
    this.clock = clock;
  }

  /**
   * Records a Warning about ConfigMap {@code namespace/name} at {@code resourceVersion}.
   *
   * @throws IOException when the API server cannot be reached or refuses it (e.g. RBAC), with its
   *     status and message
   */
  public void warning(
      String namespace, String name, String resourceVersion, String reason, String message)
      throws IOException {
    byte[] body = body(namespace, name, resourceVersion, reason, message);
    HttpURLConnection c =
        endpoint.open(
            "/api/v1/namespaces/" + namespace + "/events",
            endpoint.ssl().getSocketFactory(),
            READ_TIMEOUT);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setFixedLengthStreamingMode(body.length);
    try (OutputStream out = c.getOutputStream()) {
      out.write(body);
    }
    int status = c.getResponseCode();
    InputStream answer = status < 400 ? c.getInputStream() : c.getErrorStream();
    String text =
        answer == null ? "" : new String(answer.readAllBytes(), StandardCharsets.UTF_8).strip();
    if (status != HttpURLConnection.HTTP_CREATED) {
      throw new IOException("create Event in " + namespace + ": HTTP " + status + " " + text);
    }
  }

  /** The Event, as the API server expects it. */
  byte[] body(String namespace, String name, String resourceVersion, String reason, String message)
      throws IOException {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "Event");
      g.writeObjectFieldStart("metadata");
      g.writeStringField("name", EventMessages.eventName(name, clock.millis()));
      g.writeStringField("namespace", namespace);
      g.writeEndObject();
      g.writeObjectFieldStart("involvedObject");
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "ConfigMap");
      g.writeStringField("namespace", namespace);
      g.writeStringField("name", name);
      if (resourceVersion != null) {
        g.writeStringField("resourceVersion", resourceVersion);
      }
      g.writeEndObject();
      g.writeStringField("type", "Warning");
      g.writeStringField("reason", reason);
      g.writeStringField("message", EventMessages.truncate(message));
      g.writeObjectFieldStart("source");
      g.writeStringField("component", component);
      g.writeStringField("host", instance);
      g.writeEndObject();
      g.writeStringField("reportingComponent", component);
      g.writeStringField("reportingInstance", instance);
      g.writeStringField("firstTimestamp", now);
      g.writeStringField("lastTimestamp", now);
      g.writeNumberField("count", 1);
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
