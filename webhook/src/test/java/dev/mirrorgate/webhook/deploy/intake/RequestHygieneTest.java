package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.webhook.TestResources;
import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every request head of {@code intake/hygiene.yaml} through the checks, and the answer built. */
class RequestHygieneTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Named<JsonNode>> cases() throws Exception {
    JsonNode table = YAML.readTree(TestResources.text("intake/hygiene.yaml"));
    return StreamSupport.stream(table.spliterator(), false)
        .map(c -> Named.of(c.get("case").asText(), c))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answers(JsonNode c) throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    c.path("headers").properties().forEach(h -> headers.add(h.getKey(), h.getValue().asText()));
    RequestHead head =
        new RequestHead(
            c.path("method").asText("POST"),
            headers,
            c.hasNonNull("query") ? c.get("query").asText() : null,
            "127.0.0.1");
    RequestHygiene hygiene =
        new RequestHygiene(
            tokens(c),
            c.path("allowUnauthenticated").asBoolean(false),
            () -> c.path("sinkReady").asBoolean(true));

    Answer answer = hygiene.check(head);

    if (c.get("status").isNull()) {
      assertThat(answer).as("passes").isNull();
      return;
    }
    assertThat(answer).isNotNull();
    assertThat(answer.status()).isEqualTo(c.get("status").asInt());
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.properties()).hasSize(1);
    assertThat(body.path("error").asText())
        .isEqualTo(answer.reason())
        .contains(c.get("error").asText());
    c.path("answerHeaders")
        .properties()
        .forEach(
            h -> assertThat(answer.headers()).containsEntry(h.getKey(), h.getValue().asText()));
  }

  private static TokenSource tokens(JsonNode c) {
    JsonNode configured =
        c.has("tokens")
            ? c.get("tokens")
            : YAML.valueToTree(Map.of("registry", "s3cret", "ci", "0ther"));
    Optional<WebhookTokens> current;
    if (configured.isNull()) {
      current = Optional.empty();
    } else {
      Map<String, String> values = new LinkedHashMap<>();
      configured.properties().forEach(t -> values.put(t.getKey(), t.getValue().asText()));
      current = Optional.of(WebhookTokens.of(values));
    }
    return new TokenSource() {
      @Override
      public Optional<WebhookTokens> current() {
        return current;
      }

      @Override
      public String where() {
        return "Secret mirrorgate/mirrorgate-webhook-tokens";
      }
    };
  }
}
