package dev.mirrorgate.common.update.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every payload of {@code update/intake/cases.yaml} through its endpoint's parser. */
class PayloadParsersTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Named<JsonNode>> cases() throws IOException {
    List<Named<JsonNode>> out = new ArrayList<>();
    for (JsonNode c : YAML.readTree(bytes("cases.yaml"))) {
      out.add(Named.of(c.get("source").asText() + ": " + c.get("case").asText(), c));
    }
    return out.stream();
  }

  private static byte[] bytes(String name) {
    try (InputStream in = PayloadParsersTest.class.getResourceAsStream("/update/intake/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource update/intake/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(JsonNode c) throws Exception {
    PayloadParser parser =
        PayloadParser.of(
            PushEvent.Source.valueOf(c.get("source").asText().toUpperCase(Locale.ROOT)));
    byte[] body =
        c.has("file")
            ? bytes(c.get("file").asText())
            : c.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String registryName = c.hasNonNull("registryName") ? c.get("registryName").asText() : null;

    if (c.has("malformed")) {
      assertThatThrownBy(() -> parser.parse(body, registryName))
          .isInstanceOf(MalformedPayloadException.class)
          .hasMessageContaining(c.get("malformed").asText());
      return;
    }
    Intake intake = parser.parse(body, registryName);

    List<String> events = new ArrayList<>();
    for (PushEvent e : intake.events()) {
      assertThat(e.source()).isEqualTo(parser.source());
      events.add(e.image().normalized() + " | " + (e.eventId() == null ? "-" : e.eventId()));
    }
    List<String> expected = new ArrayList<>();
    c.path("events").forEach(e -> expected.add(e.asText()));
    assertThat(events).isEqualTo(expected);

    List<String> reasons = intake.ignored().stream().map(Intake.Ignored::reason).toList();
    List<String> expectedReasons = new ArrayList<>();
    c.path("ignored").forEach(e -> expectedReasons.add(e.asText()));
    assertThat(reasons).hasSameSizeAs(expectedReasons);
    for (int i = 0; i < reasons.size(); i++) {
      assertThat(reasons.get(i)).contains(expectedReasons.get(i));
    }
  }

  @Test
  void pushEventsAreTaggedAndNameTheirParts() throws Exception {
    PushEvent e =
        new RegistryNotifications()
            .parse(bytes("registry-v2-multiarch.json"), null)
            .events()
            .get(0);
    assertThat(e.registry()).isEqualTo("registry.example:5000");
    assertThat(e.repository()).isEqualTo("acme/shop");
    assertThat(e.tag()).isEqualTo("1.3.0");
    assertThat(e.digest()).startsWith("sha256:2222");
    assertThat(e.source().trigger()).isEqualTo("registry");
    assertThat(PushEvent.Source.DOCKERHUB.trigger()).isEqualTo("dockerhub");
  }

  @Test
  void theIdsOfIgnoredEventsAreKept() throws Exception {
    Intake intake = new RegistryNotifications().parse(bytes("registry-v1-envelope.json"), null);
    assertThat(intake.ignored())
        .extracting(Intake.Ignored::eventId)
        .containsExactly("asdf-asdf-asdf-asdf-0", "asdf-asdf-asdf-asdf-2");
  }
}
