package dev.mirrorgate.manifests;

import static dev.mirrorgate.manifests.ReleaseChecks.AGENT_NAMESPACE;
import static dev.mirrorgate.manifests.ReleaseChecks.DEPLOYABLES;
import static dev.mirrorgate.manifests.ReleaseChecks.NAMESPACE;
import static dev.mirrorgate.manifests.ReleaseChecks.REWRITTEN_IMAGE;
import static dev.mirrorgate.manifests.ReleaseChecks.USERS_NAMESPACE;
import static dev.mirrorgate.manifests.ReleaseChecks.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.manifests.ChartTools.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kind tier, optional, for machines with a Docker engine: the Helm chart on a kind node ({@link
 * KindCluster}), with the images this build made imported into the node's containerd. Where
 * ClusterIT's real node has no Pod network (hostNetwork on 127.0.0.1, the webhook called by URL,
 * one replica per Deployment), kind runs the chart as a cluster does, with its defaults: Pods on
 * the Pod network probed on their Pod IPs, two replicas of each Deployment, the webhook called by
 * the API server through its Service. The only values set are {@code image.pullPolicy=Never} (the
 * images are imported, never pulled) and the webhook's one rule ({@link ReleaseChecks#MIRRORS}).
 *
 * <p>In order, on one cluster: every Pod of the release Ready through its real probes; a user's Pod
 * rewritten by the webhook. Without a Docker engine the class is skipped ({@link
 * KindCluster#NO_DOCKER}); the real-node tier ({@link ClusterIT}) checks this and more without
 * Docker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KindClusterIT {
  @RegisterExtension
  static final KindCluster kind =
      new KindCluster().withImages(ReleaseChecks.WEBHOOK_IMAGE, ReleaseChecks.AGENT_IMAGE);

  private static final Duration READY = Duration.ofMinutes(4);

  /** A condition of the cluster, polled every second until {@link #READY}. */
  private static ConditionFactory eventually(String what) {
    return await(what).atMost(READY).pollInterval(Duration.ofSeconds(1)).ignoreExceptions();
  }

  @BeforeAll
  static void installTheChart() {
    List<String> args =
        new ArrayList<>(List.of("install", "mirrorgate", ChartTools.CHART.toString()));
    args.addAll(List.of("-n", NAMESPACE, "--create-namespace"));
    args.addAll(List.of("--set", "image.pullPolicy=Never"));
    args.addAll(List.of("--set-json", ReleaseChecks.MIRRORS));
    Result install = kind.helm(args);
    assertThat(install.exitCode()).as(install.stderr() + install.stdout()).isZero();
    assertThat(install.stdout()).contains("STATUS: deployed");
  }

  @Test
  @Order(1)
  void everyPodOfTheReleaseBecomesReadyThroughItsRealProbes() throws Exception {
    for (var deployable : new TreeMap<>(DEPLOYABLES).entrySet()) {
      String namespace = deployable.getValue();
      int expected = expectedPods(namespace, deployable.getKey());
      List<String> pods =
          kind.awaitPodsReady(namespace, selector(deployable.getKey()), expected, READY);
      assertThat(pods).hasSize(expected);
      for (String name : pods) {
        JsonNode pod = kind.get("/api/v1/namespaces/" + namespace + "/pods/" + name);
        JsonNode container = pod.at("/spec/containers/0");
        // The kubelet probed the container on its Pod IP: no host, no host network.
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/readinessProbe/httpGet/host").isMissingNode()).isTrue();
        assertThat(pod.at("/spec/hostNetwork").asBoolean()).isFalse();
        assertThat(pod.at("/status/podIP").asText()).isNotBlank();
        assertThat(container.at("/imagePullPolicy").asText()).isEqualTo("Never");
        assertThat(pod.at("/status/containerStatuses/0/ready").asBoolean()).isTrue();
      }
    }
  }

  @Test
  @Order(2)
  void theApiServerCallsTheWebhookThroughItsServiceAndAUsersPodIsRewritten() throws Exception {
    JsonNode configuration = kind.get(ReleaseChecks.WEBHOOK_CONFIGURATION_PATH);
    assertThat(configuration.at("/webhooks/0/clientConfig/service/name").asText())
        .isEqualTo("mirrorgate-webhook");
    assertThat(configuration.at("/webhooks/0/clientConfig/url").isMissingNode()).isTrue();
    // The webhook's own PKI puts its CA into the configuration the API server calls it by.
    eventually("the caBundle of MutatingWebhookConfiguration mirrorgate")
        .until(
            () ->
                !kind.get(ReleaseChecks.WEBHOOK_CONFIGURATION_PATH)
                    .at("/webhooks/0/clientConfig/caBundle")
                    .asText()
                    .isEmpty());
    kind.kubectl("create", "namespace", USERS_NAMESPACE);
    String file = kind.file("shop.yaml", ReleaseChecks.USERS_POD);
    // Fails open: until the API server trusts the webhook, Pods pass unchanged. As NOTES.txt says.
    eventually("a server-side dry run rewritten by the webhook")
        .until(
            () ->
                kind.kubectl("create", "--dry-run=server", "-o", "json", "-f", file)
                    .contains(REWRITTEN_IMAGE));
    kind.kubectl("create", "-f", file);
    ReleaseChecks.assertRewritten(kind.get("/api/v1/namespaces/" + USERS_NAMESPACE + "/pods/shop"));
    // Either replica behind the Service may have answered: the logs of both.
    ReleaseChecks.assertDecisionLogged(
        kind.kubectl(
            "logs",
            "-n",
            NAMESPACE,
            "-l",
            selector("mirrorgate-webhook"),
            "--tail=-1",
            "--prefix"));
  }

  /** Every Pod of a deployable: a Deployment's replicas, or one agent per node. */
  private static int expectedPods(String namespace, String deployable) throws Exception {
    if (namespace.equals(AGENT_NAMESPACE)) {
      int nodes = kind.get("/api/v1/nodes").path("items").size();
      assertThat(nodes).as("the kind node").isEqualTo(1);
      return nodes;
    }
    int replicas =
        kind.get("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + deployable)
            .at("/spec/replicas")
            .asInt();
    assertThat(replicas).as("the replicas of Deployment " + deployable).isPositive();
    return replicas;
  }
}
