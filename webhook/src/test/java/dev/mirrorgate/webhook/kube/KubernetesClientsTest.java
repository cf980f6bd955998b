package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the client configuration comes from: the Pod's ServiceAccount, else KUBECONFIG. */
class KubernetesClientsTest {
  @TempDir Path dir;

  @Test
  void inAPodTheServiceAccountWins() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "t");
    KubernetesClients clients =
        new KubernetesClients(
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBECONFIG", "/elsewhere"), token);

    assertThat(clients.inCluster()).isTrue();
    assertThat(clients.describe()).isEqualTo("in-cluster service account");
  }

  @Test
  void withoutAMountedTokenTheServiceHostAloneIsNotACluster() {
    KubernetesClients clients =
        new KubernetesClients(
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBECONFIG", "/a/config"),
            dir.resolve("no-token"));

    assertThat(clients.inCluster()).isFalse();
    assertThat(clients.describe()).isEqualTo("kubeconfig /a/config");
  }

  @Test
  void theFirstFileOfAKubeconfigListIsUsedElseTheHomeDefault() {
    Path noToken = dir.resolve("no-token");

    assertThat(
            new KubernetesClients(Map.of("KUBECONFIG", "/a/one:/b/two"), noToken).kubeconfigPath())
        .isEqualTo(Path.of("/a/one"));
    assertThat(new KubernetesClients(Map.of("HOME", "/home/dev"), noToken).kubeconfigPath())
        .isEqualTo(Path.of("/home/dev/.kube/config"));
  }

  @Test
  void noClusterAndNoKubeconfigSaysWhatToSet() {
    KubernetesClients clients =
        new KubernetesClients(
            Map.of("KUBECONFIG", dir.resolve("missing").toString()), dir.resolve("no-token"));

    assertThatThrownBy(clients::forRequests)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot configure the Kubernetes client from kubeconfig")
        .hasRootCauseMessage(
            "not running in a cluster and no readable kubeconfig at "
                + dir.resolve("missing")
                + " (set KUBECONFIG)");
  }
}
