package dev.mirrorgate.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness itself: a real API server, usable through the client, the kubeconfig and a restart.
 */
class KubeApiServerIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  @Test
  void createsNamespacesWithTheirDefaultServiceAccount() throws Exception {
    CoreV1Api core = new CoreV1Api(api.client());

    String namespace = api.createNamespace("Harness_Test");

    assertThat(namespace).matches("harness-test-[a-z0-9]{5}");
    assertThat(core.listNamespace().execute().getItems())
        .extracting(ns -> ns.getMetadata().getName())
        .contains(namespace, "default", "kube-system");
    V1ServiceAccount account = core.readNamespacedServiceAccount("default", namespace).execute();
    assertThat(account.getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(api.createNamespace("harness-test")).isNotEqualTo(namespace);
    assertThat(api.url()).startsWith("https://127.0.0.1:");
    assertThat(api.binDir().resolve("kube-apiserver")).isExecutable();
    assertThat(api.startTime()).isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void itsKubeconfigReachesTheApiServer() throws Exception {
    assertThat(
            new CoreV1Api(api.clientFromKubeconfig())
                .readNamespace("default")
                .execute()
                .getMetadata()
                .getName())
        .isEqualTo("default");
  }

  @Test
  void aRestartedApiServerKeepsItsDataAndItsCertificate() throws Exception {
    String namespace = api.createNamespace("restart");
    CoreV1Api core = new CoreV1Api(api.client());
    core.createNamespacedConfigMap(
            namespace,
            new V1ConfigMap()
                .metadata(new V1ObjectMeta().name("kept"))
                .data(Map.of("key", "value")))
        .execute();

    api.restartApiServer();

    assertThat(core.readNamespacedConfigMap("kept", namespace).execute().getData())
        .as("read through the client built before the restart")
        .containsEntry("key", "value");
  }
}
