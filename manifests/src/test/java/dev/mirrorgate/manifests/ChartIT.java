package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.manifests.ChartTools.Result;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart with the real {@code helm}: lint, rendering with representative values files
 * (src/test/resources/chart-values), and values.schema.json refusing values of the wrong type with
 * a message that names the value and what it must be.
 */
class ChartIT {
  static final Path VALUES = Path.of("src", "test", "resources", "chart-values");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Path> valuesFiles() throws IOException {
    try (var files = Files.list(VALUES)) {
      return files.sorted().toList().stream();
    }
  }

  @Test
  void theChartLintsCleanlyWithItsDefaults() {
    Result lint =
        ChartTools.require().helm(List.of("lint", "--strict", ChartTools.CHART.toString()));
    assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void theChartLintsCleanlyWithEachValuesFile(Path values) {
    Result lint =
        ChartTools.require()
            .helm(
                List.of(
                    "lint",
                    "--strict",
                    ChartTools.CHART.toString(),
                    "--values",
                    values.toString()));
    assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();
  }

  /** What a values file must change in the rendered objects: object, JSON Pointer, value. */
  record Expectation(String values, String object, String pointer, String json) {
    @Override
    public String toString() {
      return values + ": " + object + pointer + " = " + json;
    }
  }

  private static final String DEPLOYMENT = "Deployment/mirrorgate-webhook";
  private static final String WEBHOOK = "/spec/template/spec/containers/0";
  private static final String DAEMONSET = "DaemonSet/mirrorgate-node-agent";
  private static final String CONTROLLER = "Deployment/mirrorgate-controller";
  private static final String AGENT = "/spec/template/spec/containers/0";

  static final List<Expectation> EXPECTATIONS =
      List.of(
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              WEBHOOK + "/image",
              "\"registry.example.internal/mirrorgate/mirrorgate-webhook:0.1.0-rc.1\""),
          new Expectation(
              "production.yaml",
              DAEMONSET,
              AGENT + "/image",
              "\"registry.example.internal/mirrorgate/mirrorgate-node-agent:0.1.0-rc.1\""),
          new Expectation(
              "production.yaml", DEPLOYMENT, WEBHOOK + "/imagePullPolicy", "\"Always\""),
          new Expectation(
              "production.yaml",
              DAEMONSET,
              "/spec/template/spec/imagePullSecrets",
              "[{\"name\":\"regcred\"}]"),
          new Expectation("production.yaml", DEPLOYMENT, "/spec/replicas", "3"),
          new Expectation("production.yaml", DEPLOYMENT, WEBHOOK + "/args/1", "\"--port=9443\""),
          new Expectation(
              "production.yaml", DEPLOYMENT, WEBHOOK + "/ports/0/containerPort", "9443"),
          new Expectation(
              "production.yaml", DEPLOYMENT, "/spec/template/spec/topologySpreadConstraints", null),
          new Expectation(
              "production.yaml",
              "PodDisruptionBudget/mirrorgate-webhook",
              "/spec/minAvailable",
              "2"),
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              WEBHOOK + "/resources",
              "{\"requests\":{\"cpu\":\"200m\",\"memory\":\"192Mi\"},"
                  + "\"limits\":{\"cpu\":\"1\",\"memory\":\"320Mi\"}}"),
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              WEBHOOK + "/env",
              "[{\"name\":\"JAVA_TOOL_OPTIONS\",\"value\":\"-XX:+UseSerialGC -Xmx48m\"},"
                  + "{\"name\":\"MALLOC_ARENA_MAX\",\"value\":\"4\"}]"),
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              "/spec/template/spec/priorityClassName",
              "\"system-cluster-critical\""),
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              "/spec/template/spec/tolerations/0/key",
              "\"node-role.kubernetes.io/control-plane\""),
          new Expectation(
              "production.yaml",
              DEPLOYMENT,
              "/spec/template/spec/affinity/podAntiAffinity"
                  + "/requiredDuringSchedulingIgnoredDuringExecution/0/topologyKey",
              "\"kubernetes.io/hostname\""),
          new Expectation(
              "production.yaml",
              "Namespace/mirrorgate",
              "/metadata/labels/pod-security.kubernetes.io~1enforce",
              "\"restricted\""),
          new Expectation(
              "mirrors.yaml",
              "ConfigMap/mirrorgate-mapping",
              "/data/mapping.yaml",
              "\"mirrors:\\n  - source: docker.io\\n    target:"
                  + " mirror.example.internal:5000/dockerhub\\n  - source: ghcr.io/acme\\n"
                  + "    target: localhost:5000/acme\\nexclude:\\n  - quay.io/private\\n\""),
          new Expectation(
              "k3s.yaml",
              DAEMONSET,
              AGENT + "/args",
              "[\"run\",\"--mirrors-configmap=mirrorgate/mirrorgate-mirrors\","
                  + "\"--host-root=/host\",\"--health-port=9102\",\"--resync=5m\","
                  + "\"--outputs=containerd\"]"),
          new Expectation(
              "k3s.yaml",
              DAEMONSET,
              "/spec/template/spec/volumes/0",
              "{\"name\":\"host-etc\",\"hostPath\":"
                  + "{\"path\":\"/var/lib/rancher/k3s/agent/etc\",\"type\":\"Directory\"}}"),
          new Expectation(
              "k3s.yaml",
              DAEMONSET,
              "/spec/template/spec/volumes/1/hostPath/path",
              "\"/var/lib/mirrorgate\""),
          new Expectation("k3s.yaml", DAEMONSET, "/spec/template/spec/tolerations", null),
          new Expectation("k3s.yaml", DAEMONSET, "/spec/template/spec/priorityClassName", null),
          new Expectation(
              "k3s.yaml",
              DAEMONSET,
              "/spec/template/spec/nodeSelector",
              "{\"kubernetes.io/os\":\"linux\"}"),
          new Expectation(
              "k3s.yaml", DAEMONSET, "/spec/updateStrategy/rollingUpdate/maxUnavailable", "1"),
          new Expectation(
              "cert-manager-cluster-issuer.yaml",
              "Certificate/mirrorgate-webhook",
              "/spec/issuerRef",
              "{\"name\":\"corp-ca\",\"kind\":\"ClusterIssuer\",\"group\":\"cert-manager.io\"}"),
          new Expectation(
              "cert-manager-cluster-issuer.yaml",
              "Certificate/mirrorgate-webhook",
              "/spec/duration",
              "\"720h\""),
          new Expectation(
              "cert-manager-cluster-issuer.yaml",
              "Certificate/mirrorgate-webhook",
              "/spec/renewBefore",
              "\"240h\""),
          new Expectation(
              "cert-manager-cluster-issuer.yaml",
              "MutatingWebhookConfiguration/mirrorgate",
              "/metadata/annotations/cert-manager.io~1inject-ca-from",
              "\"mirrorgate/mirrorgate-webhook\""),
          // The cluster tier's deviations (ClusterIT): the node's network, 127.0.0.1 everywhere.
          new Expectation(
              "loopback-node.yaml",
              "MutatingWebhookConfiguration/mirrorgate",
              "/webhooks/0/clientConfig",
              "{\"url\":\"https://127.0.0.1:8443/mutate\"}"),
          new Expectation(
              "loopback-node.yaml", DEPLOYMENT, "/spec/template/spec/hostNetwork", "true"),
          new Expectation(
              "loopback-node.yaml", CONTROLLER, "/spec/template/spec/hostNetwork", "true"),
          new Expectation(
              "loopback-node.yaml", DAEMONSET, "/spec/template/spec/hostNetwork", "true"),
          new Expectation(
              "loopback-node.yaml",
              DEPLOYMENT,
              WEBHOOK + "/args/2",
              "\"--bind-address=127.0.0.1\""),
          new Expectation(
              "loopback-node.yaml",
              DEPLOYMENT,
              WEBHOOK + "/readinessProbe/httpGet",
              "{\"path\":\"/readyz\",\"port\":\"https\",\"scheme\":\"HTTPS\","
                  + "\"host\":\"127.0.0.1\"}"),
          new Expectation(
              "loopback-node.yaml",
              DEPLOYMENT,
              WEBHOOK + "/env/2",
              "{\"name\":\"KUBERNETES_SERVICE_HOST\",\"value\":\"127.0.0.1\"}"),
          new Expectation(
              "loopback-node.yaml",
              CONTROLLER,
              "/spec/template/spec/containers/0/args/4",
              "\"--bind-address=127.0.0.1\""),
          new Expectation(
              "loopback-node.yaml",
              DAEMONSET,
              AGENT + "/livenessProbe/httpGet/host",
              "\"127.0.0.1\""),
          new Expectation(
              "loopback-node.yaml", DAEMONSET, AGENT + "/args/4", "\"--health-address=127.0.0.1\""),
          new Expectation("loopback-node.yaml", DEPLOYMENT, "/spec/replicas", "1"),
          new Expectation(
              "loopback-node.yaml", DEPLOYMENT, WEBHOOK + "/imagePullPolicy", "\"Never\""));

  @ParameterizedTest
  @FieldSource("EXPECTATIONS")
  void aValuesFileChangesWhatItSays(Expectation expected) throws IOException {
    List<Manifest> objects =
        ChartTools.require()
            .template(
                "mirrorgate", List.of("--values", VALUES.resolve(expected.values()).toString()));
    JsonNode actual = named(objects, expected.object()).object().at(expected.pointer());
    if (expected.json() == null) {
      assertThat(actual.isMissingNode()).as(expected + ", found " + actual).isTrue();
    } else {
      assertThat(actual).as(expected.toString()).isEqualTo(JSON.readTree(expected.json()));
    }
  }

  @Test
  void theMappingValuesBecomeTheMappingTheWebhookReads() throws IOException {
    List<Manifest> objects =
        ChartTools.require()
            .template("mirrorgate", List.of("--values", VALUES.resolve("mirrors.yaml").toString()));
    JsonNode mapping =
        YAML.readTree(
            named(objects, "ConfigMap/mirrorgate-mapping")
                .object()
                .at("/data/mapping.yaml")
                .asText());
    assertThat(mapping)
        .isEqualTo(YAML.readTree(VALUES.resolve("mirrors.yaml").toFile()).path("mapping"));
  }

  @Test
  void anIssuerOfTheUsersOwnReplacesTheSelfSignedChain() {
    List<Manifest> objects =
        ChartTools.require()
            .template(
                "mirrorgate",
                List.of("--values", VALUES.resolve("cert-manager-cluster-issuer.yaml").toString()));
    assertThat(objects).noneMatch(m -> m.kind().equals("Issuer"));
    assertThat(objects).filteredOn(m -> m.kind().equals("Certificate")).hasSize(1);
    // cert-manager's cainjector writes the caBundle: the webhook needs no cluster-wide rights.
    assertThat(objects)
        .noneMatch(
            m -> m.kind().startsWith("ClusterRole") && m.name().startsWith("mirrorgate-webhook"));
  }

  /** The webhook's certificate names 127.0.0.1 (webhook.extraArgs), the agent writes the node. */
  @Test
  void theLoopbackValuesNameTheAddressInTheCertificateAndChooseTheNodesOutputs()
      throws IOException {
    List<Manifest> objects =
        ChartTools.require()
            .template(
                "mirrorgate", List.of("--values", VALUES.resolve("loopback-node.yaml").toString()));
    assertThat(JSON.readTree(named(objects, DEPLOYMENT).object().at(WEBHOOK + "/args").toString()))
        .extracting(JsonNode::asText)
        .contains("--tls-ip-address=127.0.0.1", "--bind-address=127.0.0.1");
    assertThat(JSON.readTree(named(objects, DAEMONSET).object().at(AGENT + "/args").toString()))
        .extracting(JsonNode::asText)
        .contains("--outputs=hosts,containerd", "--health-address=127.0.0.1");
  }

  /** The defaults keep the Pod network, the Service and the Pod IP probes. */
  @Test
  void byDefaultNothingRunsOnTheNodesNetwork() {
    List<Manifest> objects = ChartTools.require().template("mirrorgate", List.of());
    String all = objects.stream().map(m -> m.object().toString()).toList().toString();
    assertThat(all)
        .doesNotContain("hostNetwork", "\"host\":", "--bind-address", "--health-address", "url");
    assertThat(
            named(objects, "MutatingWebhookConfiguration/mirrorgate")
                .object()
                .at("/webhooks/0/clientConfig/service/name")
                .asText())
        .isEqualTo("mirrorgate-webhook");
  }

  @Test
  void withoutTheNodeAgentNothingOfItIsRendered() {
    List<Manifest> objects =
        ChartTools.require()
            .template(
                "mirrorgate", List.of("--values", VALUES.resolve("webhook-only.yaml").toString()));
    assertThat(objects)
        .isNotEmpty()
        .noneMatch(m -> m.name().contains("node") || m.name().equals("mirrorgate-node"));
    assertThat(objects).anyMatch(m -> m.kind().equals("Deployment"));
  }

  /** Every reference to the namespace follows the release namespace; the agent keeps its own. */
  @Test
  void anotherReleaseNamespaceIsUsedEverywhere() {
    List<Manifest> objects = ChartTools.require().template("infra", List.of());
    List<String> inAgentNamespace = new ArrayList<>();
    for (Manifest m : objects) {
      String namespace = m.object().path("metadata").path("namespace").asText("");
      if (namespace.equals("mirrorgate-node")) {
        inAgentNamespace.add(m.kind() + "/" + m.name());
      } else if (!namespace.isEmpty()) {
        assertThat(namespace).as(m.toString()).isEqualTo("infra");
      }
    }
    assertThat(inAgentNamespace)
        .containsExactlyInAnyOrder(
            "ServiceAccount/mirrorgate-node-agent", "DaemonSet/mirrorgate-node-agent");
    String all = objects.stream().map(m -> m.object().toString()).toList().toString();
    assertThat(all)
        .contains(
            "--tls-secret=infra/mirrorgate-webhook-tls",
            "--mapping-configmap=infra/mirrorgate-mapping",
            "--mirrors-configmap=infra/mirrorgate-mirrors")
        .doesNotContain("=mirrorgate/", "\"mirrorgate/mirrorgate-webhook\"");
    JsonNode webhook =
        named(objects, "MutatingWebhookConfiguration/mirrorgate").object().path("webhooks").get(0);
    assertThat(webhook.at("/clientConfig/service/namespace").asText()).isEqualTo("infra");
    assertThat(webhook.at("/namespaceSelector/matchExpressions/0/values").toString())
        .isEqualTo("[\"infra\",\"kube-system\"]");
  }

  /** A value the schema refuses, and what helm's message must say about it. */
  record BadValue(List<String> set, String message) {
    @Override
    public String toString() {
      return String.join(" ", set);
    }
  }

  static final List<BadValue> BAD_VALUES =
      List.of(
          new BadValue(
              List.of("--set", "webhook.replicas=two"),
              "at '/webhook/replicas': got string, want integer"),
          new BadValue(
              List.of("--set", "tls.mode=vault"),
              "at '/tls/mode': value must be one of 'pki', 'cert-manager'"),
          new BadValue(
              List.of("--set", "nodeAgent.outputs={crio}"),
              "at '/nodeAgent/outputs/0': value must be one of 'hosts', 'containerd', 'docker',"
                  + " 'containers'"),
          new BadValue(
              List.of("--set", "nodeAgent.resync=1 minute"),
              "at '/nodeAgent/resync': '1 minute' does not match pattern"),
          new BadValue(
              List.of("--set", "nodeAgent.hostPaths.etc=etc"),
              "at '/nodeAgent/hostPaths/etc': 'etc' does not match pattern '^/'"),
          new BadValue(
              List.of("--set", "webhook.port=70000"),
              "at '/webhook/port': maximum: got 70,000, want 65,535"),
          new BadValue(
              List.of("--set", "webhook.mallocArenaMax=two"),
              "at '/webhook/mallocArenaMax': 'two' does not match pattern '^[0-9]+$'"),
          new BadValue(
              List.of("--set", "namespace.create=yes please"),
              "at '/namespace/create': got string, want boolean"),
          new BadValue(
              List.of("--set-json", "mapping.mirrors=[{\"source\":\"docker.io\"}]"),
              "at '/mapping/mirrors/0': missing property 'target'"),
          new BadValue(
              List.of("--set", "webhook.jvmFlags=null"),
              "at '/webhook': missing property 'jvmFlags'"),
          new BadValue(
              List.of("--set", "webhok.replicas=3"),
              "at '': additional properties 'webhok' not allowed"),
          new BadValue(
              List.of("--set", "image.pullPolicy=Sometimes"),
              "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"),
          new BadValue(
              List.of("--set", "hostNetwork.address=localhost"),
              "at '/hostNetwork/address': 'localhost' does not match pattern"),
          new BadValue(
              List.of("--set", "webhook.url=http://127.0.0.1:8443/mutate"),
              "at '/webhook/url': 'http://127.0.0.1:8443/mutate' does not match pattern"),
          new BadValue(
              List.of("--set-json", "nodeAgent.extraEnv=[{\"value\":\"1\"}]"),
              "at '/nodeAgent/extraEnv/0': missing property 'name'"),
          // Not a schema matter: the template says why and what to do.
          new BadValue(
              List.of("--set", "nodeAgent.namespace=mirrorgate"),
              "nodeAgent.namespace must differ from the release namespace \"mirrorgate\""));

  @ParameterizedTest
  @FieldSource("BAD_VALUES")
  void aValueOfTheWrongTypeIsRefusedWithWhereAndWhat(BadValue bad) {
    List<String> args = new ArrayList<>(List.of("template", "mirrorgate"));
    args.add(ChartTools.CHART.toString());
    args.addAll(List.of("--namespace", "mirrorgate"));
    args.addAll(bad.set());
    Result result = ChartTools.require().helm(args);
    assertThat(result.exitCode()).as("helm %s: %s", args, result.stdout()).isNotZero();
    assertThat(result.stdout()).as("nothing is rendered").isEmpty();
    assertThat(result.stderr()).contains(bad.message());
  }

  static Manifest named(List<Manifest> objects, String kindAndName) {
    return objects.stream()
        .filter(m -> (m.kind() + "/" + m.name()).equals(kindAndName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kindAndName + " in " + objects));
  }
}
