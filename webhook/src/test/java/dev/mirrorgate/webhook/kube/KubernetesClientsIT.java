package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.KubeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The production client factory against a real API server, configured by a kubeconfig file. */
class KubernetesClientsIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  @Test
  void theKubeconfigNamedByKubeconfigReachesTheApiServer() throws Exception {
    Path kubeconfig = api.kubeconfig();
    KubernetesClients clients =
        new KubernetesClients(
            Map.of("KUBECONFIG", kubeconfig.toString()), Path.of("/nonexistent/token"));

    ApiClient fromKubeconfig = clients.forRequests();

    assertThat(clients.describe()).isEqualTo("kubeconfig " + kubeconfig);
    assertThat(
            new CoreV1Api(fromKubeconfig)
                .readNamespace("default")
                .execute()
                .getMetadata()
                .getName())
        .isEqualTo("default");
    assertThat(fromKubeconfig.getReadTimeout())
        .isEqualTo((int) KubernetesClients.REQUEST_TIMEOUT.toMillis());
    assertThat(clients.forWatches().getReadTimeout()).isZero();
  }
}
