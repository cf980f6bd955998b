package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.server.TrustingClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar mirrorgate-webhook.jar serve --mapping-configmap NS/NAME} with {@code
 * KUBECONFIG} pointing at a real API server, as a developer runs it outside a cluster.
 */
class ServeFromConfigMapJarIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Process serve;

  @AfterEach
  void stop() throws InterruptedException {
    if (serve != null) {
      serve.destroy();
      if (!serve.waitFor(15, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void notReadyUntilTheConfigMapExistsThenServesItAndReportsABrokenEdit() throws Exception {
    String namespace = api.createNamespace("jar");
    CertificateAuthority ca =
        CertificateAuthority.create(
            "jar CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
    IssuedCertificate leaf =
        ca.issue(
            LeafSpec.server(
                "localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1)));
    Path cert = Files.writeString(dir.resolve("tls.crt"), leaf.certificateChainPem());
    Path key = Files.writeString(dir.resolve("tls.key"), leaf.privateKeyPem());
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx32m", // the heap the container image runs with, informer included
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                String.valueOf(port),
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--mapping-configmap",
                namespace + "/mirrorgate-mapping")
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile());
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().put("KUBECONFIG", api.kubeconfig().toString());
    builder.environment().put("POD_NAME", "mirrorgate-webhook-test");
    serve = builder.start();
    TrustingClient client = new TrustingClient(ca.certificate(), port);

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> client.get("/healthz").statusCode() == 200);
    assertThat(client.get("/readyz").statusCode()).as("no ConfigMap yet").isEqualTo(503);

    CoreV1Api core = new CoreV1Api(api.client());
    core.createNamespacedConfigMap(
            namespace,
            new V1ConfigMap()
                .metadata(new V1ObjectMeta().name("mirrorgate-mapping"))
                .data(Map.of("mapping.yaml", TestResources.text("mutation/mapping.yaml"))))
        .execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.get("/readyz").statusCode() == 200);
    JsonNode response =
        JSON.readTree(
                client
                    .post(
                        "/mutate",
                        "application/json",
                        TestResources.text("reviews/pod-create.json")
                            .getBytes(StandardCharsets.UTF_8))
                    .body())
            .path("response");
    assertThat(
            JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()))
                .findValuesAsText("value"))
        .contains("m.local:5000/dockerhub/library/nginx:1.27.2-alpine");

    V1ConfigMap configMap = core.readNamespacedConfigMap("mirrorgate-mapping", namespace).execute();
    configMap.setData(Map.of("mapping.yaml", "mirrors: [ {source: docker.io} ]\n"));
    core.replaceNamespacedConfigMap("mirrorgate-mapping", namespace, configMap).execute();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                    .get("/metrics")
                    .body()
                    .contains(
                        "mirrorgate_mapping_reloads_total{result=\"invalid\",source=\"configmap\"} 1.0"));
    List<CoreV1Event> events =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> core.listNamespacedEvent(namespace).execute().getItems(),
                list -> !list.isEmpty());
    assertThat(events.get(0).getReason()).isEqualTo("MappingRejected");
    assertThat(events.get(0).getReportingInstance()).isEqualTo("mirrorgate-webhook-test");
    assertThat(events.get(0).getMessage()).contains("target");
    assertThat(client.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(Files.readString(dir.resolve("stderr")))
        .contains("Kubernetes API access: kubeconfig " + api.kubeconfig())
        .contains("\"message\":\"mapping rejected, the previous mapping keeps serving\"");
  }
}
