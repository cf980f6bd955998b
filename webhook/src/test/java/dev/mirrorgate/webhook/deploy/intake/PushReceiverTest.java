package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bodies that passed the checks: decoded by their endpoint's parser (the services' documented
 * payloads, common's fixtures), duplicates dropped, the rest handed to the sink, and the answer.
 */
class PushReceiverTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CollectingPushSink sink = new CollectingPushSink();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PushReceiver receiver =
      new PushReceiver(
          sink,
          new RecentEventIds(100, Duration.ofMinutes(10), System::nanoTime),
          new IntakeMetrics(registry));

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "REGISTRY, registry-v1-envelope.json, 1, 2",
    "EVENT, registry-argoos.json, 1, 0",
    "REGISTRY, registry-v2-multiarch.json, 1, 4",
    "NATIVE, native-digest.json, 1, 0",
    "DOCKERHUB, dockerhub.json, 1, 0",
    "QUAY, quay.json, 2, 0",
    "HARBOR, harbor-v2.json, 1, 0",
    "HARBOR, harbor-cloudevents.json, 1, 0",
    "HARBOR, harbor-pull.json, 0, 1",
    "GITHUB, github-ghcr.json, 1, 0",
    "GITHUB, github-npm.json, 0, 1",
  })
  void everyEndpointTakesItsServicesPayloads(
      IntakeRoute route, String file, int accepted, int ignored) throws Exception {
    Answer answer = receiver.receive(route, head(Map.of()), fixture(file));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(summary(answer))
        .isEqualTo(Map.of("accepted", accepted, "ignored", ignored, "duplicates", 0));
    assertThat(sink.events())
        .hasSize(accepted)
        .allSatisfy(e -> assertThat(e.source()).isEqualTo(route.source()));
    assertThat(count(route, "accepted")).isEqualTo(accepted);
    assertThat(count(route, "ignored")).isEqualTo(ignored);
  }

  @Test
  void theRegistryNameHeaderNamesTheHost() throws Exception {
    receiver.receive(
        IntakeRoute.EVENT,
        head(Map.of("X-Argoos-Registry-Name", "localhost:5000")),
        fixture("registry-argoos.json"));
    receiver.receive(
        IntakeRoute.REGISTRY,
        head(
            Map.of(
                "X-Mirrorgate-Registry-Name", "registry.apps.svc:5000",
                "X-Argoos-Registry-Name", "ignored:1")),
        fixture("registry-v1-envelope.json"));

    assertThat(sink.events())
        .extracting(e -> e.registry() + " " + e.repository() + ":" + e.tag())
        .containsExactly("localhost:5000 app:1.2.4", "registry.apps.svc:5000 library/test:1.2.3");
  }

  @Test
  void aRedeliveredEventIsTakenOnce() throws Exception {
    Answer first =
        receiver.receive(
            IntakeRoute.REGISTRY, head(Map.of()), fixture("registry-v1-envelope.json"));
    Answer again =
        receiver.receive(IntakeRoute.EVENT, head(Map.of()), fixture("registry-v1-envelope.json"));

    assertThat(summary(first)).isEqualTo(Map.of("accepted", 1, "ignored", 2, "duplicates", 0));
    assertThat(again.status()).isEqualTo(202);
    assertThat(summary(again)).isEqualTo(Map.of("accepted", 0, "ignored", 2, "duplicates", 1));
    assertThat(sink.events()).hasSize(1);
    assertThat(count(IntakeRoute.REGISTRY, "duplicate")).isEqualTo(1);
  }

  @Test
  void oneIdTwiceInAnEnvelopeIsTakenOnce() throws Exception {
    String event =
        """
        {"id": "same", "action": "push", "request": {"host": "r.example"},
         "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "repository": "a/b", "tag": "%s"}}
        """;
    byte[] body =
        ("{\"events\": [" + event.formatted("1.0") + "," + event.formatted("1.1") + "]}")
            .getBytes(StandardCharsets.UTF_8);

    Answer answer = receiver.receive(IntakeRoute.REGISTRY, head(Map.of()), body);

    assertThat(summary(answer)).isEqualTo(Map.of("accepted", 1, "ignored", 0, "duplicates", 1));
    assertThat(sink.images()).containsExactly("r.example/a/b:1.0");
  }

  @Test
  void gitHubRedeliveriesAreKnownByTheirDeliveryId() throws Exception {
    Map<String, String> delivery =
        Map.of("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    receiver.receive(IntakeRoute.GITHUB, head(delivery), fixture("github-ghcr.json"));
    Answer redelivered =
        receiver.receive(IntakeRoute.GITHUB, head(delivery), fixture("github-ghcr.json"));
    receiver.receive(
        IntakeRoute.GITHUB,
        head(Map.of("X-GitHub-Delivery", "another")),
        fixture("github-ghcr.json"));

    assertThat(summary(redelivered)).containsEntry("duplicates", 1);
    assertThat(sink.events()).hasSize(2);
  }

  @Test
  void eventsWithoutAnIdAreTakenEveryTime() throws Exception {
    receiver.receive(IntakeRoute.DOCKERHUB, head(Map.of()), fixture("dockerhub.json"));
    receiver.receive(IntakeRoute.DOCKERHUB, head(Map.of()), fixture("dockerhub.json"));

    assertThat(sink.images())
        .containsExactly(
            "docker.io/svendowideit/testhook:latest", "docker.io/svendowideit/testhook:latest");
  }

  @Test
  void aMalformedBodyIs400WithTheParsersReasonAndChangesNothing() throws Exception {
    Answer answer =
        receiver.receive(
            IntakeRoute.REGISTRY,
            head(Map.of()),
            "{\"events\": [1]}".getBytes(StandardCharsets.UTF_8));
    Answer harbor = receiver.receive(IntakeRoute.HARBOR, head(Map.of()), fixture("dockerhub.json"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).path("error").asText())
        .isEqualTo("events[0] is not an object");
    assertThat(harbor.status()).isEqualTo(400);
    assertThat(harbor.reason()).isEqualTo("type is missing");
    assertThat(sink.events()).isEmpty();
    assertThat(registry.find("mirrorgate.intake.events").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
  }

  @Test
  void eventsTheSinkRefusesAre503AndTheirRetryIsTaken() throws Exception {
    sink.refusing(true);
    Answer refused =
        receiver.receive(IntakeRoute.REGISTRY, head(Map.of()), fixture("registry-argoos.json"));
    sink.refusing(false);
    Answer retried =
        receiver.receive(IntakeRoute.REGISTRY, head(Map.of()), fixture("registry-argoos.json"));

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.headers()).containsEntry("Retry-After", "5");
    assertThat(retried.status()).isEqualTo(202);
    assertThat(summary(retried)).containsEntry("accepted", 1);
    assertThat(sink.events()).hasSize(1);
  }

  private double count(IntakeRoute route, String result) {
    return registry
        .get("mirrorgate.intake.events")
        .tag("source", route.source().trigger())
        .tag("result", result)
        .counter()
        .count();
  }

  private static Map<String, Integer> summary(Answer answer) throws IOException {
    JsonNode body = JSON.readTree(answer.body());
    return Map.of(
        "accepted", body.path("accepted").asInt(-1),
        "ignored", body.path("ignored").asInt(-1),
        "duplicates", body.path("duplicates").asInt(-1));
  }

  private static RequestHead head(Map<String, String> headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    map.addAll(headers);
    return new RequestHead("POST", map, null, "127.0.0.1");
  }

  /** A payload of common's fixtures ({@code update/intake}, in the common test jar). */
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = PushReceiverTest.class.getResourceAsStream("/update/intake/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture update/intake/" + name);
      }
      return in.readAllBytes();
    }
  }
}
