package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.manifests.ChartTools.Result;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the chart renders, judged by a real kube-apiserver: every object server-side applied with
 * {@code dryRun=All} (schemas, defaulting, validation and admission are the server's), the Pods of
 * the Deployment and DaemonSet judged by Pod Security admission, and a real {@code helm install},
 * {@code upgrade} and {@code uninstall} as the README gives them.
 */
class ChartDryRunIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** cert-manager's CRDs are not served by the test API server; its objects are checked as YAML. */
  private static final String CERT_MANAGER = "cert-manager.io/";

  static Stream<String> valuesFiles() throws IOException {
    return Stream.concat(
        Stream.of("(defaults)"), ChartIT.valuesFiles().map(p -> p.getFileName().toString()));
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyRenderedObjectPassesAServerSideDryRun(String values) {
    // Each case in its own release namespace, so that the cases do not meet.
    String namespace = "dry-" + values.replaceAll("[^a-z0-9]", "").replace("yaml", "");
    List<String> args = new ArrayList<>(List.of("--set", "namespace.create=true"));
    args.addAll(List.of("--set", "nodeAgent.namespace=" + namespace + "-node"));
    if (!values.startsWith("(")) {
      args.addAll(List.of("--values", ChartIT.VALUES.resolve(values).toString()));
    }
    List<Manifest> objects = ChartTools.require().template(namespace, args);
    ServerSideApply server = new ServerSideApply(api);

    // Namespaces for real first: namespaced objects need theirs to exist, even for a dry run.
    for (Manifest m : objects) {
      if (m.kind().equals("Namespace")) {
        ServerSideApply.Result created = server.apply(m, false);
        assertThat(created.ok()).as(m + ": " + created.message()).isTrue();
      }
    }
    List<String> failures = new ArrayList<>();
    for (Manifest m : objects) {
      if (m.object().path("apiVersion").asText().startsWith(CERT_MANAGER)) {
        assertThat(server.serves(m)).as(m + " (no cert-manager CRDs here)").isFalse();
        continue;
      }
      ServerSideApply.Result result = server.apply(m, true);
      if (!result.ok()) {
        failures.add(m + " -> HTTP " + result.code() + ": " + result.message());
      }
    }
    assertThat(failures).as("server-side dry-run apply").isEmpty();

    // Pod Security judges Pods: the webhook's under `restricted`, the agent's under `privileged`.
    // Admission wants the ServiceAccounts to exist: create them for real.
    for (Manifest m : objects) {
      if (m.kind().equals("ServiceAccount")) {
        assertThat(server.apply(m, false).ok()).as(m.toString()).isTrue();
      }
    }
    for (Manifest m : objects) {
      if (m.kind().equals("Deployment") || m.kind().equals("DaemonSet")) {
        ServerSideApply.Result pod = server.createPodDryRun(m);
        assertThat(pod.code()).as(m + "'s Pod: " + pod.message()).isEqualTo(201);
      }
    }
  }

  @Test
  void theReadmesHelmInstallUpgradeAndUninstallWork() throws IOException {
    ChartTools tools = ChartTools.require();
    ServerSideApply server = new ServerSideApply(api);
    Map<String, String> kube = Map.of("KUBECONFIG", api.kubeconfig().toString());

    Result install =
        tools.helm(
            List.of(
                "install",
                "mirrorgate",
                ChartTools.CHART.toString(),
                "-n",
                "mirrorgate",
                "--create-namespace"),
            kube);
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(install.stdout())
        .contains(
            "STATUS: deployed",
            "kubectl -n mirrorgate rollout status deployment/mirrorgate-webhook",
            "kubectl -n mirrorgate-node rollout status daemonset/mirrorgate-node-agent",
            "kubectl label namespace mirrorgate pod-security.kubernetes.io/enforce=restricted");
    for (String path :
        List.of(
            "/apis/apps/v1/namespaces/mirrorgate/deployments/mirrorgate-webhook",
            "/apis/apps/v1/namespaces/mirrorgate-node/daemonsets/mirrorgate-node-agent",
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mirrorgate",
            "/api/v1/namespaces/mirrorgate/configmaps/mirrorgate-mapping")) {
      assertThat(server.get(path).code()).as(path).isEqualTo(200);
    }

    Result upgrade =
        tools.helm(
            List.of(
                "upgrade",
                "mirrorgate",
                ChartTools.CHART.toString(),
                "-n",
                "mirrorgate",
                "--reuse-values",
                "--set-json",
                "mapping.mirrors=[{\"source\":\"docker.io\",\"target\":\"m.local:5000/hub\"}]"),
            kube);
    assertThat(upgrade.exitCode()).as(upgrade.stderr()).isZero();
    JsonNode mapping =
        YAML.readTree(
            YAML.readTree(
                    server
                        .get("/api/v1/namespaces/mirrorgate/configmaps/mirrorgate-mapping")
                        .body())
                .at("/data/mapping.yaml")
                .asText());
    assertThat(mapping.at("/mirrors/0/target").asText()).isEqualTo("m.local:5000/hub");

    Result uninstall = tools.helm(List.of("uninstall", "mirrorgate", "-n", "mirrorgate"), kube);
    assertThat(uninstall.exitCode()).as(uninstall.stderr()).isZero();
    assertThat(
            server
                .get(
                    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mirrorgate")
                .code())
        .isEqualTo(404);
    assertThat(
            server.get("/apis/apps/v1/namespaces/mirrorgate/deployments/mirrorgate-webhook").code())
        .isEqualTo(404);
  }
}
