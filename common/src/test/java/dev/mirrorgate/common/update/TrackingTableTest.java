package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tracking table ({@code update/tracking.yaml}): which containers are tracked, by which policy
 * (the contract's precedence), with which settings, and every problem of a workload's annotations.
 */
class TrackingTableTest {

  static Stream<Named<JsonNode>> rows() {
    return UpdateTables.rows("tracking.yaml").stream()
        .map(r -> Named.of(r.path("rule").asText() + " | " + r.path("case").asText(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void tracks(JsonNode row) throws Exception {
    assertThat(row.path("rule").asText()).isNotBlank();
    assertThat(row.path("case").asText()).isNotBlank();
    WorkloadTracking tracking = WorkloadTracker.track(Workload.of(row.get("workload")));

    List<String> names = new ArrayList<>();
    tracking.containers().forEach(c -> names.add(c.container().name()));
    List<String> expectedNames = new ArrayList<>();
    row.get("expect").forEach(e -> expectedNames.add(e.get("container").asText()));
    assertThat(names).as("containers, then init containers").isEqualTo(expectedNames);

    for (int i = 0; i < expectedNames.size(); i++) {
      JsonNode e = row.get("expect").get(i);
      ContainerTracking c = tracking.containers().get(i);
      if (e.has("policy")) {
        assertThat(c.isTracked() ? c.tracked().policySource() : null)
            .as("policy of %s (untracked: %s)", expectedNames.get(i), c.untracked())
            .isEqualTo(e.get("policy").isNull() ? null : e.get("policy").asText());
      }
      if (e.has("trigger")) {
        assertThat(tracking.settings().trigger().kind()).isEqualTo(e.get("trigger").asText());
      }
      if (e.has("untracked")) {
        assertThat(c.untracked()).contains(e.get("untracked").asText());
      }
    }

    List<String> problems = tracking.problems().stream().map(AnnotationProblem::message).toList();
    List<String> expected = new ArrayList<>();
    row.path("problems").forEach(p -> expected.add(p.asText()));
    assertThat(problems).as("problems").hasSameSizeAs(expected);
    for (String p : expected) {
      assertThat(problems).as("problems").anySatisfy(actual -> assertThat(actual).contains(p));
    }
    assertThat(tracking.leftAlone())
        .as("left alone")
        .isEqualTo(row.path("leftAlone").asBoolean(false));

    for (Map.Entry<String, JsonNode> s : row.path("settings").properties()) {
      Object actual = UpdateSettings.class.getMethod(s.getKey()).invoke(tracking.settings());
      String want = s.getValue().isNull() ? null : s.getValue().asText();
      assertThat(actual == null ? null : actual.toString())
          .as("setting %s", s.getKey())
          .isEqualTo(want);
    }
  }
}
