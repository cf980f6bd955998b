package dev.mirrorgate.manifests;

import static dev.mirrorgate.manifests.Manifests.NODE_AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The promises of the node agent's manifests (manifests/kustomize/node-agent). */
class NodeAgentManifestsTest {
  private static List<Manifest> objects;
  private static JsonNode pod;
  private static JsonNode container;

  @BeforeAll
  static void read() throws IOException {
    objects = Manifests.objects(NODE_AGENT);
    pod = Manifests.only(objects, "DaemonSet").object().path("spec").path("template").path("spec");
    container = pod.path("containers").get(0);
  }

  @Test
  void theAgentMayReadOnlyTheMirrorsConfigMapAndRecordEventsInTheBaseNamespace() {
    Manifest role = Manifests.only(objects, "Role");
    assertThat(role.object().path("metadata").path("namespace").asText()).isEqualTo("mirrorgate");
    JsonNode rules = role.object().path("rules");
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).path("apiGroups").toString()).isEqualTo("[\"\"]");
    assertThat(rules.get(0).path("resources").toString()).isEqualTo("[\"configmaps\"]");
    assertThat(rules.get(0).path("resourceNames").toString()).isEqualTo("[\"mirrorgate-mirrors\"]");
    assertThat(rules.get(0).path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]");
    assertThat(rules.get(1).path("apiGroups").toString()).isEqualTo("[\"\"]");
    assertThat(rules.get(1).path("resources").toString()).isEqualTo("[\"events\"]");
    assertThat(rules.get(1).path("verbs").toString()).isEqualTo("[\"create\"]");
    // The Events name the node they come from: NODE_NAME from the downward API.
    assertThat(container.path("env"))
        .anySatisfy(
            e -> {
              assertThat(e.path("name").asText()).isEqualTo("NODE_NAME");
              assertThat(e.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("spec.nodeName");
            });
    JsonNode subject = Manifests.only(objects, "RoleBinding").object().path("subjects").get(0);
    Manifest account = Manifests.only(objects, "ServiceAccount");
    assertThat(subject.path("name").asText()).isEqualTo(account.name());
    assertThat(subject.path("namespace").asText())
        .isEqualTo(account.object().path("metadata").path("namespace").asText());
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(account.name());
    assertThat(objects).noneMatch(m -> m.kind().startsWith("Cluster"));
    assertThat(container.path("args").toString())
        .contains("--mirrors-configmap=mirrorgate/mirrorgate-mirrors", "--host-root=/host");
  }

  @Test
  void everyNodeRunsOneAgentWithHostDirectoriesOnlyUnderTheHostRoot() {
    assertThat(pod.path("tolerations").toString()).isEqualTo("[{\"operator\":\"Exists\"}]");
    List<String> hostPaths = new ArrayList<>();
    for (JsonNode volume : pod.path("volumes")) {
      JsonNode hostPath = volume.path("hostPath");
      if (!hostPath.isMissingNode()) {
        assertThat(hostPath.path("type").asText())
            .as(volume.toString())
            .isIn("Directory", "DirectoryOrCreate");
        JsonNode mount = mountOf(volume.path("name").asText());
        assertThat(mount.path("mountPath").asText())
            .isEqualTo("/host" + hostPath.path("path").asText());
        hostPaths.add(hostPath.path("path").asText());
      }
    }
    assertThat(hostPaths).containsExactlyInAnyOrder("/etc", "/var/lib/mirrorgate", "/run");
    assertThat(pod.path("hostNetwork").asBoolean()).isFalse();
    assertThat(pod.path("hostPID").asBoolean()).isFalse();
  }

  @Test
  void theAgentRunsAsRootWithOnlyTheCapabilitiesToReplaceFiles() {
    JsonNode security = container.path("securityContext");
    assertThat(security.path("runAsUser").asInt(-1)).isZero();
    assertThat(security.path("privileged").asBoolean()).isFalse();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(security.path("capabilities").path("add").toString())
        .isEqualTo("[\"CHOWN\",\"DAC_OVERRIDE\",\"FOWNER\"]");
    assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText())
        .isEqualTo("RuntimeDefault");
  }

  @Test
  void theAgentIsProbedAndSizedWithTheMeasuredJvmFlags() {
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.path("resources").path("limits").path("memory").asText())
        .isEqualTo("128Mi");
    String javaOptions = Manifests.env(container, "JAVA_TOOL_OPTIONS");
    assertThat(javaOptions)
        .contains(
            "-XX:+UseSerialGC",
            "-Xmx24m",
            "-XX:MaxMetaspaceSize=48m",
            "-Xss256k",
            "-Xshare:off",
            "-XX:TrimNativeHeapInterval=1000");
  }

  @Test
  void theAgentsNamespaceIsPrivilegedAndNeverRewritten() {
    JsonNode labels = Manifests.only(objects, "Namespace").object().path("metadata").path("labels");
    assertThat(labels.path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("privileged");
    assertThat(labels.path("mirrorgate.dev/rewrite").asText()).isEqualTo("false");
  }

  private static JsonNode mountOf(String volume) {
    return StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
        .filter(m -> m.path("name").asText().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
  }
}
