package dev.mirrorgate.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorgate.common.kube.EventMessages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Event the agent posts, against a scripted endpoint (the real API server accepts it in
 * ConfigMapWatchIT): its fields, where it is posted, with which token, and the API server's refusal
 * as an error that says why.
 */
class EventWriterTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:15:30.123Z"), ZoneOffset.UTC);

  HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  volatile int status = 201;
  volatile String answer = "{}";
  EventWriter events;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type"));
          bodies.add(exchange.getRequestBody().readAllBytes());
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
    KubeEndpoint endpoint =
        new KubeEndpoint(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            null,
            "t0ken",
            SSLContext.getDefault(),
            "test");
    events = new EventWriter(endpoint, "mirrorgate-node-agent", "node-1", CLOCK);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aWarningAboutTheConfigMapIsPostedInItsNamespace() throws Exception {
    events.warning("mirrorgate", "mirrorgate-mirrors", "42", "MirrorsRejected", "m[0].name: bad");

    assertThat(requests)
        .containsExactly("POST /api/v1/namespaces/mirrorgate/events Bearer t0ken application/json");
    JsonNode event = new ObjectMapper().readTree(bodies.get(0));
    assertThat(event.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(event.path("kind").asText()).isEqualTo("Event");
    assertThat(event.at("/metadata/namespace").asText()).isEqualTo("mirrorgate");
    assertThat(event.at("/metadata/name").asText()).startsWith("mirrorgate-mirrors.");
    assertThat(event.at("/involvedObject/kind").asText()).isEqualTo("ConfigMap");
    assertThat(event.at("/involvedObject/namespace").asText()).isEqualTo("mirrorgate");
    assertThat(event.at("/involvedObject/name").asText()).isEqualTo("mirrorgate-mirrors");
    assertThat(event.at("/involvedObject/resourceVersion").asText()).isEqualTo("42");
    assertThat(event.path("type").asText()).isEqualTo("Warning");
    assertThat(event.path("reason").asText()).isEqualTo("MirrorsRejected");
    assertThat(event.path("message").asText()).isEqualTo("m[0].name: bad");
    assertThat(event.at("/source/component").asText()).isEqualTo("mirrorgate-node-agent");
    assertThat(event.at("/source/host").asText()).isEqualTo("node-1");
    assertThat(event.path("reportingInstance").asText()).isEqualTo("node-1");
    assertThat(event.path("firstTimestamp").asText()).isEqualTo("2026-11-21T10:15:30Z");
    assertThat(event.path("count").asInt()).isEqualTo(1);
  }

  @Test
  void aLongMessageIsCutAndAnUnknownVersionLeftOut() throws Exception {
    events.warning("ns", "cm", null, "MirrorsRejected", "x".repeat(5000));

    JsonNode event = new ObjectMapper().readTree(bodies.get(0));
    assertThat(event.path("message").asText()).hasSize(EventMessages.MAX_MESSAGE).endsWith("…");
    assertThat(event.path("involvedObject").has("resourceVersion")).isFalse();
  }

  @Test
  void aRefusalSaysWhatTheApiServerSaid() {
    status = 403;
    answer = "{\"kind\":\"Status\",\"message\":\"events is forbidden\"}";

    assertThatThrownBy(() -> events.warning("ns", "cm", "1", "MirrorsRejected", "bad"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("create Event in ns: HTTP 403")
        .hasMessageContaining("events is forbidden");
  }
}
