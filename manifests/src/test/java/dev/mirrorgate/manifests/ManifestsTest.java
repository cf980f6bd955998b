package dev.mirrorgate.manifests;

import static dev.mirrorgate.manifests.Manifests.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The promises the shipped manifests make, checked on the files themselves. */
class ManifestsTest {
  private static List<Manifest> objects;

  @BeforeAll
  static void read() throws IOException {
    objects = Manifests.objects(BASE);
  }

  @ParameterizedTest
  @FieldSource("dev.mirrorgate.manifests.Manifests#DIRECTORIES")
  void everyFileIsListedAndEveryListedFileExists(Path directory) throws IOException {
    assertThat(Manifests.resources(directory)).allSatisfy(f -> assertThat(f).isRegularFile());
    assertThat(Manifests.yamlFiles(directory))
        .isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(Manifests.resources(directory));
  }

  @ParameterizedTest
  @FieldSource("dev.mirrorgate.manifests.Manifests#DIRECTORIES")
  void everyObjectIsLabelledAsPartOfMirrorgate(Path directory) throws IOException {
    assertThat(Manifests.objects(directory))
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(
                        m.object()
                            .path("metadata")
                            .path("labels")
                            .path("app.kubernetes.io/part-of")
                            .asText())
                    .as(m.toString())
                    .isEqualTo("mirrorgate"));
  }

  @Test
  void theWebhookFailsOpenAndNeverInterceptsItsOwnNamespaceOrKubeSystem() {
    JsonNode webhook =
        Manifests.only(objects, "MutatingWebhookConfiguration").object().path("webhooks").get(0);
    assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(2);
    assertThat(webhook.path("reinvocationPolicy").asText()).isEqualTo("IfNeeded");
    assertThat(webhook.path("sideEffects").asText()).isEqualTo("None");
    assertThat(webhook.path("clientConfig").path("service").path("path").asText())
        .isEqualTo("/mutate");
    assertThat(webhook.path("rules").get(0).path("resources").toString())
        .contains("\"pods\"", "\"pods/ephemeralcontainers\"");
    JsonNode byName = expression(webhook.path("namespaceSelector"), "kubernetes.io/metadata.name");
    assertThat(byName.path("operator").asText()).isEqualTo("NotIn");
    assertThat(byName.path("values").toString()).contains("\"mirrorgate\"", "\"kube-system\"");
    JsonNode optOut = expression(webhook.path("namespaceSelector"), "mirrorgate.dev/rewrite");
    assertThat(optOut.path("operator").asText()).isEqualTo("NotIn");
    assertThat(optOut.path("values").toString()).isEqualTo("[\"false\"]");
    assertThat(
            expression(webhook.path("objectSelector"), "mirrorgate.dev/rewrite")
                .path("values")
                .toString())
        .isEqualTo("[\"false\"]");
  }

  @Test
  void theWebhookMayReadOnlyItsTwoConfigMapsAndWriteOnlyItsTlsSecret() {
    JsonNode rules = Manifests.only(objects, "Role").object().path("rules");
    int secretRules = 0;
    for (JsonNode rule : rules) {
      assertThat(rule.path("verbs").toString())
          .doesNotContain("*", "delete", "deletecollection", "escalate", "bind");
      if (rule.path("resources").toString().contains("configmaps")) {
        assertThat(rule.path("resourceNames").toString())
            .isEqualTo("[\"mirrorgate-mapping\",\"mirrorgate-mirrors\"]");
        assertThat(rule.path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]");
      }
      if (rule.path("resources").toString().contains("secrets")) {
        secretRules++;
        if (rule.has("resourceNames")) {
          assertThat(rule.path("resourceNames").toString())
              .isEqualTo("[\"mirrorgate-webhook-tls\"]");
          assertThat(rule.path("verbs").toString()).isEqualTo("[\"get\",\"update\"]");
        } else {
          // RBAC never sees the name of a create, so create cannot be limited by resourceNames
          assertThat(rule.path("verbs").toString()).isEqualTo("[\"create\"]");
        }
      }
    }
    assertThat(secretRules).isEqualTo(2);
    JsonNode clusterRules = Manifests.only(objects, "ClusterRole").object().path("rules");
    assertThat(clusterRules).hasSize(1);
    assertThat(clusterRules.get(0).path("resources").toString())
        .isEqualTo("[\"mutatingwebhookconfigurations\"]");
    assertThat(clusterRules.get(0).path("resourceNames").toString())
        .isEqualTo("[\"" + Manifests.only(objects, "MutatingWebhookConfiguration").name() + "\"]");
    assertThat(clusterRules.get(0).path("verbs").toString()).isEqualTo("[\"get\",\"patch\"]");
  }

  @Test
  void theWebhookServesFromTheSecretAndConfigurationItMayWrite() {
    JsonNode args =
        Manifests.only(objects, "Deployment").object().at("/spec/template/spec/containers/0/args");
    assertThat(args.toString())
        .contains(
            "\"--tls-secret=mirrorgate/mirrorgate-webhook-tls\"",
            "\"--webhook-config="
                + Manifests.only(objects, "MutatingWebhookConfiguration").name()
                + "\"");
  }

  @Test
  void theWebhookRunsRestrictedWithTheBenchmarkedJvmFlags() {
    JsonNode pod =
        Manifests.only(objects, "Deployment").object().path("spec").path("template").path("spec");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean())
        .isFalse();
    assertThat(container.path("securityContext").path("capabilities").path("drop").toString())
        .isEqualTo("[\"ALL\"]");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/livez");
    String javaOptions = Manifests.env(container, "JAVA_TOOL_OPTIONS");
    assertThat(javaOptions).contains("-XX:+UseSerialGC", "-Xmx32m");
  }

  private static JsonNode expression(JsonNode selector, String key) {
    return StreamSupport.stream(selector.path("matchExpressions").spliterator(), false)
        .filter(e -> e.path("key").asText().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no matchExpression for " + key + " in " + selector));
  }
}
