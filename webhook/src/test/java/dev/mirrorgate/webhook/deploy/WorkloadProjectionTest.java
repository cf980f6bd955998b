package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadProjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A workload something follows keeps its containers; one nothing follows only its identity. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Keel policy                 | {\"keel.sh/policy\": \"minor\"}            | true",
        "mirrorgate policy           | {\"mirrorgate.dev/policy\": \"^1.2.0\"}    | true",
        "no annotation               | {}                                         | false",
        "policy never (tracked, never updated) | {\"mirrorgate.dev/policy\": \"never\"} | true",
        "unrelated annotations only  | {\"prometheus.io/scrape\": \"true\"}       | false",
        "an invalid policy (problem) | {\"keel.sh/policy\": \"sometimes\"}        | true",
      })
  void keepsWhatTheIndexNeeds(String name, String annotations, boolean followed) throws Exception {
    ObjectNode deployment =
        (ObjectNode)
            JSON.readTree(
                """
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "app", "namespace": "shop", "uid": "u-1",
                   "resourceVersion": "42", "generation": 3, "labels": {"team": "payments"},
                   "annotations": %s,
                   "managedFields": [{"manager": "kubectl"}]},
                 "spec": {"replicas": 2, "template": {"spec": {
                   "containers": [{"name": "app", "image": "registry.test/shop/app:1.2.3",
                     "env": [{"name": "A", "value": "b"}]}]}}},
                 "status": {"observedGeneration": 3, "replicas": 2}}
                """
                    .formatted(annotations));

    ObjectNode kept = new WorkloadProjection(WorkloadProjection.DEPLOYMENTS).apply(deployment);

    JsonNode metadata = kept.path("metadata");
    assertThat(kept.path("kind").asText()).isEqualTo("Deployment");
    assertThat(metadata.path("name").asText()).isEqualTo("app");
    assertThat(metadata.path("namespace").asText()).isEqualTo("shop");
    assertThat(metadata.path("resourceVersion").asText()).isEqualTo("42");
    assertThat(metadata.has("managedFields")).isFalse();
    if (followed) {
      assertThat(kept.at("/spec/template/spec/containers/0/image").asText())
          .isEqualTo("registry.test/shop/app:1.2.3");
      assertThat(kept.at("/spec/template/spec/containers/0").has("env")).isFalse();
      assertThat(metadata.path("annotations")).isEqualTo(JSON.readTree(annotations));
      assertThat(kept.at("/status/observedGeneration").asInt()).isEqualTo(3);
    } else {
      assertThat(kept.has("spec")).isFalse();
      assertThat(kept.has("status")).isFalse();
      assertThat(metadata.has("labels")).isFalse();
      assertThat(metadata.has("annotations")).isFalse();
    }
  }
}
