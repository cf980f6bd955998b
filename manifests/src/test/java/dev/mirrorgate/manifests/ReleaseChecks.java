package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What both cluster tiers check the same way on the release they install ({@link ClusterIT} on
 * KubeCluster's real node, {@link KindClusterIT} on a kind node): where the deployables run, the
 * webhook's one rule, the user's Pod it must rewrite, and what the rewritten Pod and the webhook's
 * log say.
 */
final class ReleaseChecks {
  /** The images the build wrote (Jib tarballs), loaded into the cluster's runtime. */
  static final Path WEBHOOK_IMAGE = Path.of("..", "webhook", "target", "jib-image.tar");

  static final Path AGENT_IMAGE = Path.of("..", "node-agent", "target", "jib-image.tar");

  static final String NAMESPACE = "mirrorgate";
  static final String AGENT_NAMESPACE = "mirrorgate-node";

  /** Each deployable ({@code app.kubernetes.io/name}) and its namespace. */
  static final Map<String, String> DEPLOYABLES =
      Map.of(
          "mirrorgate-webhook", NAMESPACE,
          "mirrorgate-controller", NAMESPACE,
          "mirrorgate-node-agent", AGENT_NAMESPACE);

  /** {@code --set-json} of the webhook's one rule: docker.io to mirror.test:5000/hub. */
  static final String MIRRORS =
      "mapping.mirrors=[{\"source\":\"docker.io\",\"target\":\"mirror.test:5000/hub\"}]";

  static final String USERS_NAMESPACE = "users";

  /** A user's Pod, never scheduled: the rewritten image is only looked at, never pulled. */
  static final String USERS_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: shop, namespace: users}
      spec:
        nodeSelector: {mirrorgate.test/none: "true"}
        containers:
          - {name: web, image: "nginx:1.27"}
      """;

  static final String REWRITTEN_IMAGE = "mirror.test:5000/hub/library/nginx:1.27";

  static final String WEBHOOK_CONFIGURATION_PATH =
      "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mirrorgate";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReleaseChecks() {}

  /** {@code app.kubernetes.io/name=DEPLOYABLE}. */
  static String selector(String deployable) {
    return "app.kubernetes.io/name=" + deployable;
  }

  /** The created {@link #USERS_POD}: the rewritten image and the original in the annotation. */
  static void assertRewritten(JsonNode pod) {
    assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo(REWRITTEN_IMAGE);
    try {
      assertThat(
              JSON.readTree(
                  pod.at("/metadata/annotations/mirrorgate.dev~1original-images").asText()))
          .isEqualTo(JSON.readTree("{\"web\":\"nginx:1.27\"}"));
    } catch (IOException e) {
      throw new UncheckedIOException("the original-images annotation is not JSON: " + pod, e);
    }
  }

  /** The webhook's decision line for {@link #USERS_POD}, as read through the API server. */
  static void assertDecisionLogged(String webhookLog) {
    assertThat(webhookLog)
        .as("the webhook's decision line, read through the API server from the kubelet")
        .contains("\"namespace\":\"" + USERS_NAMESPACE + "\"")
        .contains(REWRITTEN_IMAGE);
  }
}
