package dev.mirrorgate.manifests;

import static dev.mirrorgate.manifests.ReleaseChecks.AGENT_NAMESPACE;
import static dev.mirrorgate.manifests.ReleaseChecks.DEPLOYABLES;
import static dev.mirrorgate.manifests.ReleaseChecks.NAMESPACE;
import static dev.mirrorgate.manifests.ReleaseChecks.REWRITTEN_IMAGE;
import static dev.mirrorgate.manifests.ReleaseChecks.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeCluster;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.common.testing.TestPki;
import dev.mirrorgate.manifests.ChartTools.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster tier: the Helm chart on a real single-node cluster ({@link KubeCluster}: kubelet,
 * containerd, controller-manager, scheduler), with the images this build made, imported into the
 * node's containerd. The values are the chart's defaults plus chart-values/loopback-node.yaml
 * (hostNetwork, 127.0.0.1 endpoints, imported images: the only deviations, documented there) and
 * what differs per run (free ports, the node's host directories, the API server's port).
 *
 * <p>One scenario, in order, on one cluster: the install (every Pod Ready through its real probes);
 * the webhook called by the API server rewriting a user's Pod; a Pod that cannot start, reported
 * with its Events and log; the controller leading with its own ServiceAccount token, and a second
 * replica taking over when the leader Pod is killed; the node agent writing the node's files and
 * the node's containerd pulling {@code upstream.test:<port>/...} through a TLS mirror found only
 * through those files; the agent's cleanup and {@code helm uninstall} leaving the node's files byte
 * for byte as before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  @RegisterExtension
  static final KubeCluster cluster =
      new KubeCluster().withImages(ReleaseChecks.WEBHOOK_IMAGE, ReleaseChecks.AGENT_IMAGE);

  static final String MASQUERADE = "mirror.test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY = Duration.ofMinutes(4);

  private static Path work;
  private static Processes procs;
  private static Map<String, String> nodeFilesBefore;
  private static final Map<String, Integer> ports = new LinkedHashMap<>();

  /** Per deployable: container running to Ready on the node, milliseconds (docs/benchmarks.md). */
  static final Map<String, Long> startToReady = new LinkedHashMap<>();

  @BeforeAll
  static void installTheChart() throws Exception {
    work = Files.createTempDirectory(cluster.dir(), "it");
    procs = new Processes(work);
    for (String port : List.of("webhook", "controller", "ui", "agent", "second", "second-ui")) {
      ports.put(port, Registries.freePort());
    }
    nodeFilesBefore = snapshot(cluster.hostRoot());

    List<String> args =
        new ArrayList<>(List.of("install", "mirrorgate", ChartTools.CHART.toString()));
    args.addAll(List.of("-n", NAMESPACE, "--create-namespace"));
    args.addAll(List.of("--values", ChartIT.VALUES.resolve("loopback-node.yaml").toString()));
    Path host = cluster.hostRoot();
    for (String set :
        List.of(
            "webhook.port=" + ports.get("webhook"),
            "webhook.url=https://127.0.0.1:" + ports.get("webhook") + "/mutate",
            "controller.port=" + ports.get("controller"),
            "controller.uiPort=" + ports.get("ui"),
            "nodeAgent.healthPort=" + ports.get("agent"),
            "nodeAgent.resync=10m",
            "nodeAgent.hostPaths.etc=" + host.resolve("etc"),
            "nodeAgent.hostPaths.state=" + host.resolve("var/lib/mirrorgate"),
            "nodeAgent.hostPaths.run=" + host.resolve("run"))) {
      args.addAll(List.of("--set", set));
    }
    String apiEnv =
        "[{\"name\":\"KUBERNETES_SERVICE_HOST\",\"value\":\"127.0.0.1\"},"
            + "{\"name\":\"KUBERNETES_SERVICE_PORT\",\"value\":\""
            + cluster.apiPort()
            + "\"}]";
    for (String component : List.of("webhook", "controller", "nodeAgent")) {
      args.addAll(List.of("--set-json", component + ".extraEnv=" + apiEnv));
    }
    args.addAll(List.of("--set-json", ReleaseChecks.MIRRORS));
    Result install = helm(args);
    assertThat(install.exitCode()).as(install.stderr() + install.stdout()).isZero();
    assertThat(install.stdout())
        .contains(
            "STATUS: deployed", "on the nodes' network (hostNetwork), listening on 127.0.0.1");
  }

  @AfterAll
  static void stopHelpers() {
    if (procs != null) {
      procs.close();
    }
  }

  @Test
  @Order(1)
  void everyPodBecomesReadyThroughItsRealProbes() throws Exception {
    for (var deployable : new TreeMap<>(DEPLOYABLES).entrySet()) {
      List<String> pods =
          cluster.awaitPodsReady(deployable.getValue(), selector(deployable.getKey()), 1, READY);
      JsonNode pod = pod(deployable.getValue(), pods.get(0));
      JsonNode container = pod.at("/spec/containers/0");
      // The kubelet probed the container itself, on the address the values file gives.
      assertThat(container.at("/readinessProbe/httpGet/host").asText()).isEqualTo("127.0.0.1");
      assertThat(pod.at("/spec/hostNetwork").asBoolean()).isTrue();
      assertThat(container.at("/imagePullPolicy").asText()).isEqualTo("Never");
      startToReady.put(deployable.getKey(), startToReadyMillis(pod));
    }
    System.err.println("[ClusterIT] container start to Ready (ms): " + startToReady);
  }

  @Test
  @Order(2)
  void theWebhookAnswersTheApiServerAndAUsersPodIsRewritten() throws Exception {
    // The webhook's own PKI put its CA into the configuration the API server calls it by.
    await(
        "the caBundle of MutatingWebhookConfiguration mirrorgate",
        () ->
            !cluster
                .get(ReleaseChecks.WEBHOOK_CONFIGURATION_PATH)
                .at("/webhooks/0/clientConfig/caBundle")
                .asText()
                .isEmpty());
    cluster.kubectl("create", "namespace", ReleaseChecks.USERS_NAMESPACE);
    Path file = Files.writeString(work.resolve("shop.yaml"), ReleaseChecks.USERS_POD);
    // Fails open: until the API server trusts the webhook, Pods pass unchanged. As NOTES.txt says.
    await(
        "a server-side dry run rewritten by the webhook",
        () ->
            cluster
                .kubectl("create", "--dry-run=server", "-o", "json", "-f", file.toString())
                .contains(REWRITTEN_IMAGE));
    cluster.kubectl("create", "-f", file.toString());
    ReleaseChecks.assertRewritten(pod(ReleaseChecks.USERS_NAMESPACE, "shop"));
    String webhookPod =
        cluster.awaitPodsReady(NAMESPACE, selector("mirrorgate-webhook"), 1, READY).get(0);
    ReleaseChecks.assertDecisionLogged(cluster.kubectl("-n", NAMESPACE, "logs", webhookPod));
  }

  @Test
  @Order(3)
  void aPodThatFailsToStartShowsItsEventsAndLogInTheFailure() throws Exception {
    String image = ImageNamesTest.image("mirrorgate-webhook");
    cluster.kubectl("create", "namespace", "broken");
    cluster.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: bad-port, namespace: broken, labels: {test: bad-port}}
        spec:
          hostNetwork: true
          containers:
            - name: webhook
              image: %s
              imagePullPolicy: Never
              args: [serve, --port=eighty, --tls-self-signed]
              # as the chart's: a container that runs for a moment is not Ready yet
              readinessProbe:
                httpGet: {host: 127.0.0.1, port: %d, path: /readyz, scheme: HTTPS}
        """
            .formatted(image, Registries.freePort()));
    assertThatThrownBy(
            () -> cluster.awaitPodsReady("broken", "test=bad-port", 1, Duration.ofSeconds(25)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Pod broken/bad-port")
        .hasMessageContaining("What to do")
        .hasMessageContaining("terminated Error exit")
        .hasMessageContaining("Log of container webhook")
        .hasMessageContaining("eighty")
        .hasMessageContaining("Events:");
  }

  @Test
  @Order(4)
  void theControllerLeadsWithItsServiceAccountTokenAndASecondReplicaTakesOver() throws Exception {
    String first =
        cluster
            .awaitPodsReady(NAMESPACE, "app.kubernetes.io/name=mirrorgate-controller", 1, READY)
            .get(0);
    assertThat(pod(NAMESPACE, first).at("/spec/serviceAccountName").asText())
        .isEqualTo("mirrorgate-controller");
    // Only the chart's ServiceAccount and RBAC let it write the Lease it leads by.
    await("Lease mirrorgate-controller held by " + first, () -> first.equals(holder()));

    // hostNetwork: a second replica of the same Deployment would need the same ports on this one
    // node, so the second replica is a copy of the Deployment on other ports (loopback-node.yaml).
    ObjectNode copy = (ObjectNode) deployment("mirrorgate-controller");
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("name", "mirrorgate-controller-second");
    metadata.put("namespace", NAMESPACE);
    copy.set("metadata", metadata);
    copy.remove("status");
    ((ObjectNode) copy.at("/spec/selector/matchLabels")).put("mirrorgate.test/replica", "second");
    ((ObjectNode) copy.at("/spec/template/metadata/labels"))
        .put("mirrorgate.test/replica", "second");
    ObjectNode container = (ObjectNode) copy.at("/spec/template/spec/containers/0");
    ArrayNode args = JSON.createArrayNode();
    for (JsonNode arg : container.path("args")) {
      String a = arg.asText();
      args.add(
          a.startsWith("--port=")
              ? "--port=" + ports.get("second")
              : a.startsWith("--ui-port=") ? "--ui-port=" + ports.get("second-ui") : a);
    }
    container.set("args", args);
    ((ObjectNode) container.at("/ports/0")).put("containerPort", ports.get("second"));
    ((ObjectNode) container.at("/ports/1")).put("containerPort", ports.get("second-ui"));
    cluster.apply(copy.toString());
    String second =
        cluster.awaitPodsReady(NAMESPACE, "mirrorgate.test/replica=second", 1, READY).get(0);
    assertThat(holder()).as("the first replica still leads").isEqualTo(first);
    int transitions = lease().at("/spec/leaseTransitions").asInt();

    // Kill the leader Pod (no grace: it cannot hand the Lease over) and keep it from coming back.
    cluster.kubectl(
        "-n", NAMESPACE, "delete", "pod", first, "--grace-period=0", "--force", "--wait=false");
    cluster.kubectl("-n", NAMESPACE, "scale", "deployment/mirrorgate-controller", "--replicas=0");
    await("Lease mirrorgate-controller taken over by " + second, () -> second.equals(holder()));
    assertThat(lease().at("/spec/leaseTransitions").asInt()).isGreaterThan(transitions);
    await(
        "the second replica's log saying it leads",
        () -> cluster.kubectl("-n", NAMESPACE, "logs", second).contains("became the leader"));

    // The controller rewrites mirrorgate-mirrors, which the next test writes by hand: stop it,
    // and wait until its Pod is gone (deleting the Deployment returns at once; a leader shutting
    // down still reverted the next test's hand-written document once).
    cluster.kubectl("-n", NAMESPACE, "delete", "deployment", "mirrorgate-controller-second");
    await(
        "no controller Pod left",
        () ->
            cluster
                .kubectl(
                    "-n",
                    NAMESPACE,
                    "get",
                    "pods",
                    "-l",
                    "app.kubernetes.io/name=mirrorgate-controller",
                    "-o",
                    "name")
                .isBlank());
  }

  @Test
  @Order(5)
  void theAgentWritesTheNodesFilesAndTheNodesContainerdPullsThroughTheMirror() throws Exception {
    TestPki pki = TestPki.create(procs, work.resolve("pki"), MASQUERADE);
    int upstreamPort = Registries.startPlain(procs, work, "upstream");
    String upstream = "upstream.test:" + upstreamPort;
    procs.ok(
        List.of(
            "skopeo",
            "copy",
            "--dest-tls-verify=false",
            "docker-archive:"
                + System.getenv().getOrDefault("MIRRORGATE_PAUSE_IMAGE", pauseImage()),
            "docker://127.0.0.1:" + upstreamPort + "/test/pause:1"));
    int mirrorPort =
        Registries.startProxy(procs, work, "mirror", pki, "http://127.0.0.1:" + upstreamPort);
    String ca = Files.readString(pki.caCert()).strip().replace("\n", "\n          ");
    cluster.apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: mirrorgate-mirrors, namespace: %s}
        data:
          mirrors.yaml: |
            mirrors:
              - name: upstream
                upstream: %s
                endpoint: https://%s:%d
                masquerade: %s
                address: 127.0.0.1
                caBundle: |
                  %s
        """
            .formatted(NAMESPACE, upstream, MASQUERADE, mirrorPort, MASQUERADE, ca));

    Path hosts = cluster.hostRoot().resolve("etc/hosts");
    Path hostsToml =
        cluster
            .hostRoot()
            .resolve("etc/containerd/certs.d")
            .resolve(upstream)
            .resolve("hosts.toml");
    try {
      await(
          "the agent's /etc/hosts block and hosts.toml on the node",
          () ->
              Files.readString(hosts).contains("127.0.0.1 " + MASQUERADE)
                  && Files.exists(hostsToml));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; the node's hosts file:\n" + Files.readString(hosts) + agentReport(),
          e);
    }
    assertThat(Files.readString(hosts))
        .isEqualTo(
            "127.0.0.1 localhost\n# BEGIN mirrorgate\n127.0.0.1 mirror.test\n# END mirrorgate\n");
    assertThat(Files.readString(hostsToml)).contains("https://" + MASQUERADE + ":" + mirrorPort);

    // The node's containerd (kubelet -> CRI) pulls the upstream image; upstream.test resolves
    // nowhere, mirror.test only through the agent's hosts block, trusted through the agent's CA.
    cluster.kubectl("create", "namespace", "pulls");
    cluster.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: through-mirror, namespace: pulls, labels: {test: through-mirror}}
        spec:
          hostNetwork: true
          automountServiceAccountToken: false
          containers:
            - name: pause
              image: %s/test/pause:1
              imagePullPolicy: Always
        """
            .formatted(upstream));
    cluster.awaitPodsReady("pulls", "test=through-mirror", 1, READY);
    assertThat(procs.log("mirror")).contains("/v2/test/pause/manifests/1");
    assertThat(cluster.ctr("images", "ls", "-q")).contains(upstream + "/test/pause:1");
    cluster.kubectl("delete", "namespace", "pulls", "--wait=false");
  }

  @Test
  @Order(6)
  void theAgentsCleanupAndUninstallLeaveTheNodesFilesByteForByte() throws Exception {
    assertThat(snapshot(cluster.hostRoot()))
        .as("the agent changed the node")
        .isNotEqualTo(nodeFilesBefore);
    // As NOTES.txt says: cleanup in every agent, then uninstall.
    String agents =
        cluster.kubectl(
            "-n",
            AGENT_NAMESPACE,
            "get",
            "pods",
            "-l",
            "app.kubernetes.io/name=mirrorgate-node-agent",
            "-o",
            "name");
    assertThat(agents.lines().toList()).hasSize(1);
    for (String agent : agents.lines().toList()) {
      cluster.kubectl(
          "-n",
          AGENT_NAMESPACE,
          "exec",
          agent,
          "--",
          "java",
          "-jar",
          "/app/mirrorgate-node-agent.jar",
          "cleanup",
          "--host-root=/host");
    }
    Result uninstall =
        helm(List.of("uninstall", "mirrorgate", "-n", NAMESPACE, "--wait", "--timeout=3m"));
    assertThat(uninstall.exitCode()).as(uninstall.stderr() + uninstall.stdout()).isZero();
    await(
        "the agent's Pod gone from the node",
        () ->
            cluster.get("/api/v1/namespaces/" + AGENT_NAMESPACE + "/pods").path("items").isEmpty());
    assertThat(snapshot(cluster.hostRoot())).isEqualTo(nodeFilesBefore);
  }

  // ------------------------------------------------------------------------------ helpers

  /** The agent Pods' state, Events and logs, for a failure message. */
  private static String agentReport() throws IOException {
    StringBuilder report = new StringBuilder();
    for (JsonNode pod :
        cluster.get("/api/v1/namespaces/" + AGENT_NAMESPACE + "/pods").path("items")) {
      report
          .append('\n')
          .append(cluster.describePod(AGENT_NAMESPACE, pod.at("/metadata/name").asText()));
    }
    return report.toString();
  }

  private static String pauseImage() throws IOException {
    Result result =
        ChartTools.run(
            List.of("bash", Path.of("..", ".ci", "pause-image").toString()), Map.of(), 5);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    List<String> lines = result.stdout().lines().toList();
    return lines.get(lines.size() - 1).strip();
  }

  private static Result helm(List<String> args) {
    return ChartTools.require().helm(args, Map.of("KUBECONFIG", cluster.kubeconfig().toString()));
  }

  private static JsonNode pod(String namespace, String name) throws IOException {
    return cluster.get("/api/v1/namespaces/" + namespace + "/pods/" + name);
  }

  private static JsonNode deployment(String name) throws IOException {
    return cluster.get("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/" + name);
  }

  private static JsonNode lease() throws IOException {
    return cluster.get(
        "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases/mirrorgate-controller");
  }

  private static String holder() throws IOException {
    return lease().at("/spec/holderIdentity").asText("");
  }

  /** The container's start to the Pod's Ready condition, as the kubelet recorded them. */
  private static long startToReadyMillis(JsonNode pod) {
    java.time.Instant started =
        java.time.Instant.parse(
            pod.at("/status/containerStatuses/0/state/running/startedAt").asText());
    for (JsonNode condition : pod.at("/status/conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return Duration.between(
                started, java.time.Instant.parse(condition.path("lastTransitionTime").asText()))
            .toMillis();
      }
    }
    throw new AssertionError("no Ready condition: " + pod);
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + READY.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e instanceof Exception ex ? ex : new RuntimeException(e);
      }
      Thread.sleep(250);
    }
    throw new AssertionError(what + " not reached within " + READY, last);
  }

  /** Every file under {@code root}: path -> mode and SHA-256 of its bytes (directories too). */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        String relative = root.relativize(path).toString();
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        if (Files.isDirectory(path)) {
          files.put(relative + "/", mode);
        } else {
          files.put(relative, mode + " " + sha256(path));
        }
      }
    }
    return files;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(in.readAllBytes());
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
