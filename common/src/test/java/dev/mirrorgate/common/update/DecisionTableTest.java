package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.ImageReference;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision table ({@code update/decisions.yaml}): each row names the contract rule it checks
 * and where the case comes from (Keel's and Argoos's tests and reported bugs among them), builds a
 * Deployment with the row's annotations and image, and decides on the row's pushed (or listed)
 * images through the whole path: {@link WorkloadTracker}, then {@link WorkloadUpdates}.
 */
class DecisionTableTest {
  private static final List<JsonNode> ROWS = UpdateTables.rows("decisions.yaml");

  static Stream<Named<JsonNode>> rows() {
    return ROWS.stream()
        .map(r -> Named.of(r.path("rule").asText() + " | " + r.path("case").asText(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(JsonNode row) throws Exception {
    String image =
        row.has("image")
            ? UpdateTables.expandDigest(UpdateTables.text(row, row.get("image"), "image"))
            : "registry.example/app:"
                + UpdateTables.expandDigest(UpdateTables.text(row, row.get("current"), "current"));
    Workload workload =
        Workload.of(UpdateTables.deployment(row.get("annotations"), row.get("labels"), image));
    WorkloadTracking tracking = WorkloadTracker.track(workload);
    String repository = TrackedContainer.repositoryAsWritten(image);
    List<ImageReference> pushed = UpdateTables.images(row, row.path("pushed"), repository);
    List<ImageReference> available = UpdateTables.images(row, row.path("available"), repository);

    UpdateDecision decision =
        WorkloadUpdates.decide(tracking, Window.pushed(pushed), Window.listed(available)).get(0);

    String expectedUpdate = null;
    if (row.hasNonNull("expectImage")) {
      expectedUpdate = UpdateTables.expandDigest(row.get("expectImage").asText());
    } else if (row.hasNonNull("expect")) {
      expectedUpdate =
          repository
              + ":"
              + UpdateTables.expandDigest(UpdateTables.text(row, row.get("expect"), "expect"));
    }
    assertThat(decision.update())
        .as("update; reason: %s", decision.reason())
        .isEqualTo(expectedUpdate);
    if (row.has("outcome")) {
      assertThat(decision.outcome().name())
          .as("outcome; reason: %s", decision.reason())
          .isEqualTo(row.get("outcome").asText());
    } else if (expectedUpdate == null) {
      assertThat(decision.outcome()).isNotEqualTo(UpdateDecision.Outcome.UPDATE);
    }
    if (row.has("reason")) {
      assertThat(decision.reason()).contains(row.get("reason").asText());
    }
    if (row.has("bump")) {
      assertThat(decision.bumpUpdatedAt())
          .as("bump updated-at")
          .isEqualTo(row.get("bump").asBoolean());
    }
    if (row.has("policy")) {
      assertThat(decision.policy()).isEqualTo(row.get("policy").asText());
    }
  }

  @Test
  void everyRowNamesItsRuleAndCase() {
    assertThat(ROWS).hasSizeGreaterThan(100);
    for (JsonNode row : ROWS) {
      assertThat(row.path("rule").asText()).as("rule of %s", row).isNotBlank();
      assertThat(row.path("case").asText()).as("case of %s", row).isNotBlank();
    }
  }
}
