package dev.mirrorgate.webhook.deploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.webhook.TestResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The table {@code rollback/rollout-health.yaml}: workload status → verdict. */
class RolloutHealthTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  record Case(String name, JsonNode node) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (JsonNode c : YAML.readTree(TestResources.text("rollback/rollout-health.yaml"))) {
      cases.add(new Case(c.path("case").asText(), c));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdict(Case c) {
    JsonNode t = c.node();
    WorkloadKind kind = WorkloadKind.of(t.path("kind").asText()).orElseThrow();
    Instant appliedAt = NOW.minusSeconds(t.path("appliedAgo").asLong());
    Duration rollbackAfter = Duration.ofSeconds(t.path("rollbackAfter").asLong());

    RolloutHealth.Verdict verdict =
        RolloutHealth.assess(kind, t.path("workload"), appliedAt, NOW, rollbackAfter);

    String expect = t.path("expect").asText();
    String message =
        switch (verdict) {
          case RolloutHealth.Complete v -> {
            assertThat(expect).as("verdict %s", v).isEqualTo("complete");
            yield v.message();
          }
          case RolloutHealth.Progressing v -> {
            assertThat(expect).as("verdict %s", v).isEqualTo("progressing");
            assertThat(v.recheckIn())
                .as("judged again when rollback-after runs out")
                .isEqualTo(Duration.between(NOW, appliedAt.plus(rollbackAfter)));
            yield v.message();
          }
          case RolloutHealth.Failed v -> {
            assertThat(expect).as("verdict %s", v).isEqualTo("failed:" + v.reason());
            yield v.message();
          }
          case RolloutHealth.Unwatched v -> {
            assertThat(expect).as("verdict %s", v).isEqualTo("unwatched");
            yield v.why();
          }
        };
    if (t.has("message")) {
      assertThat(message).contains(t.path("message").asText());
    }
  }

  @Test
  void rollbackAfterIsWrittenAsTheAnnotationWouldBe() {
    assertThat(RolloutHealth.human(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(RolloutHealth.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(RolloutHealth.human(Duration.ofSeconds(5400))).isEqualTo("1h30m");
    assertThat(RolloutHealth.human(Duration.ofSeconds(3))).isEqualTo("3s");
  }
}
