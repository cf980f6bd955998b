package dev.mirrorgate.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.webhook.TestResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases in {@code mutation/cases/*.json}: a Pod, the Pod expected after applying the
 * produced patch (null: no patch at all), and expected warning fragments. The patch is applied with
 * an independent JSON Patch implementation and whole documents are compared.
 */
class PodMutatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Mapping MAPPING = TestResources.testMapping();
  private final PodMutator mutator = new PodMutator(JSON);

  static Stream<Path> cases() throws IOException {
    Path dir = TestResources.path("mutation/cases");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenCase(Path file) throws IOException {
    JsonNode testCase = JSON.readTree(file.toFile());
    JsonNode pod = testCase.get("pod");
    JsonNode before = pod.deepCopy();

    Mutation mutation = mutator.mutate(pod, testCase.path("ephemeralOnly").asBoolean(), MAPPING);

    assertThat(pod).as("the input is never modified").isEqualTo(before);
    JsonNode expected = testCase.get("expected");
    if (expected.isNull()) {
      assertThat(mutation.patch()).as("no change, no patch").isNull();
      assertThat(mutation.rewrites()).isEmpty();
    } else {
      assertThat(mutation.patch()).isNotNull();
      JsonNode patched = JsonPatch.apply(mutation.patch(), pod);
      assertThat(patched).isEqualTo(expected);
      assertThat(mutation.patch())
          .as("the patch touches only images and the original-images annotation")
          .allSatisfy(
              op ->
                  assertThat(op.get("path").asText())
                      .matches(
                          "/spec/(containers|initContainers|ephemeralContainers)/\\d+/image"
                              + "|/metadata(/annotations(/mirrorgate\\.dev~1original-images)?)?"));
    }
    List<String> warnings = mutation.warnings();
    List<String> expectedWarnings = JSON.convertValue(testCase.path("warnings"), List.class);
    assertThat(warnings).hasSameSizeAs(expectedWarnings == null ? List.of() : expectedWarnings);
    for (int i = 0; i < warnings.size(); i++) {
      assertThat(warnings.get(i)).startsWith("mirrorgate: ").contains(expectedWarnings.get(i));
    }
  }

  @Test
  void recordsEachRewriteWithItsRule() throws IOException {
    JsonNode pod =
        JSON.readTree(
            """
            {"spec": {"containers": [{"name": "a", "image": "nginx"}],
                      "initContainers": [{"name": "b", "image": "ghcr.io/acme/tool:2"}]}}
            """);
    Mutation mutation = mutator.mutate(pod, false, MAPPING);
    assertThat(mutation.rewrites())
        .extracting(ImageRewrite::container, ImageRewrite::location, ImageRewrite::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "a", "spec.containers[0].image", "m.local:5000/dockerhub/library/nginx"),
            org.assertj.core.groups.Tuple.tuple(
                "b", "spec.initContainers[0].image", "localhost:5000/acme/tool:2"));
    assertThat(mutation.rewrites()).extracting(ImageRewrite::rule).doesNotContainNull();
  }

  @Test
  void anEmptyMappingChangesNothing() throws IOException {
    JsonNode pod =
        JSON.readTree("{\"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"nginx\"}]}}");
    assertThat(mutator.mutate(pod, false, Mapping.empty()).changed()).isFalse();
  }

  @Test
  void pointerTokensAreEscaped() {
    assertThat(dev.mirrorgate.webhook.mutation.JsonPatch.escape("mirrorgate.dev/original-images"))
        .isEqualTo("mirrorgate.dev~1original-images");
    assertThat(dev.mirrorgate.webhook.mutation.JsonPatch.escape("a~/b")).isEqualTo("a~0~1b");
  }

  @Test
  void aRewriteThatWouldBeTooLongLeavesTheImageWithAWarning() throws Exception {
    Mapping longTarget =
        dev.mirrorgate.common.mapping.MappingParser.parseYaml(
            "m.yaml",
            "mirrors:\n  - source: docker.io\n    target: m.example/" + "a".repeat(200) + "\n");
    String image = "docker.io/" + "b".repeat(50) + "/app:1";
    JsonNode pod =
        JSON.readTree(
            "{\"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"" + image + "\"}]}}");

    Mutation mutation = mutator.mutate(pod, false, longTarget);

    assertThat(mutation.changed()).isFalse();
    assertThat(mutation.warnings())
        .containsExactly(
            "mirrorgate: spec.containers[0].image \""
                + image
                + "\" left unchanged: its rewritten name would exceed 255 characters");
  }

  @Test
  void anInvalidImageIsQuotedShortInItsWarning() throws Exception {
    String image = "Bad\u0000".repeat(2500); // 10,000 characters with NUL bytes
    JsonNode pod = JSON.createObjectNode();
    ((com.fasterxml.jackson.databind.node.ObjectNode) pod)
        .putObject("spec")
        .putArray("containers")
        .addObject()
        .put("name", "a")
        .put("image", image);

    Mutation mutation = mutator.mutate(pod, false, MAPPING);

    assertThat(mutation.warnings()).hasSize(1);
    String warning = mutation.warnings().get(0);
    assertThat(warning)
        .startsWith("mirrorgate: spec.containers[0].image \"Bad\\u0000Bad\\u0000")
        .contains("…(10000 characters)\" left unchanged: ")
        .doesNotContain("\u0000");
    assertThat(warning.length()).isLessThan(400);
  }
}
