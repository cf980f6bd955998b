package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.Pair;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Request;
import okio.Buffer;
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

  /**
   * The clients are {@link LazyModelsApiClient}s: byte bodies and bearer tokens work without the
   * Gson model layer, which is built once, when asked for.
   */
  @Test
  void clientsSendBytesWithoutTheModelLayerAndBuildItOnlyWhenAsked() throws Exception {
    Path kubeconfig =
        Files.writeString(
            dir.resolve("config"),
            """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {token: secret-token}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
    ApiClient client =
        new KubernetesClients(Map.of("KUBECONFIG", kubeconfig.toString()), dir.resolve("no-token"))
            .forRequests();
    assertThat(client).isInstanceOf(LazyModelsApiClient.class);

    Call call =
        client.buildCall(
            null,
            "/api/v1/namespaces/a/events",
            "POST",
            List.of(new Pair("fieldManager", "mirrorgate")),
            List.of(),
            "{\"kind\":\"Event\"}".getBytes(StandardCharsets.UTF_8),
            new HashMap<>(Map.of("Content-Type", "application/json")),
            new HashMap<>(),
            new HashMap<>(),
            new String[] {"BearerToken"},
            null);
    Request request = call.request();
    Buffer body = new Buffer();
    request.body().writeTo(body);
    assertThat(request.url().toString())
        .isEqualTo("https://127.0.0.1:6443/api/v1/namespaces/a/events?fieldManager=mirrorgate");
    assertThat(request.header("Authorization")).isEqualTo("Bearer secret-token");
    assertThat(body.readUtf8()).isEqualTo("{\"kind\":\"Event\"}");

    JSON models = client.getJSON();
    assertThat(models).isNotNull().isSameAs(client.getJSON());
  }
}
