package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.TestWebhookConfigurations;
import dev.mirrorgate.webhook.server.TrustingClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composition root as users run it: {@code java -jar mirrorgate-webhook.jar serve --tls-secret
 * NS/NAME --webhook-config NAME}, KUBECONFIG pointing at a real API server that calls it
 * (failurePolicy Fail).
 */
class ServeWithSecretJarIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private String configName;

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (configName != null) {
      new AdmissionregistrationV1Api(api.client())
          .deleteMutatingWebhookConfiguration(configName)
          .execute();
    }
  }

  @Test
  void servesFromTheSecretItCreatesAndTheApiServerAdmitsThroughIt() throws Exception {
    String ns = api.createNamespace("jar-pki");
    int port = freePort();
    configName = register(ns, port);
    Path mapping =
        Files.writeString(dir.resolve("mapping.yaml"), TestResources.text("mutation/mapping.yaml"));

    Process webhook =
        start(
            "serve",
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--tls-secret=" + ns + "/mirrorgate-webhook-tls",
            "--webhook-config=" + configName,
            "--tls-dns-name=localhost",
            "--tls-ip-address=127.0.0.1",
            "--tls-check-interval=1s",
            "--mapping=" + mapping);

    CoreV1Api core = new CoreV1Api(api.client());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(webhook.isAlive()).as(stderr()).isTrue();
              return secretExists(core, ns);
            });
    V1Secret secret = core.readNamespacedSecret("mirrorgate-webhook-tls", ns).execute();
    CaBundle bundle =
        CaBundle.parse(new String(secret.getData().get("ca.crt"), StandardCharsets.US_ASCII));
    TrustingClient client = new TrustingClient(bundle.certificates().get(0), port);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> client.get("/readyz").statusCode() == 200);

    V1Pod pod =
        core.createNamespacedPod(
                ns,
                new V1Pod()
                    .metadata(new V1ObjectMeta().name("through-the-jar"))
                    .spec(
                        new V1PodSpec()
                            .containers(
                                List.of(new V1Container().name("web").image("nginx:1.25")))))
            .execute();

    assertThat(pod.getMetadata().getAnnotations()).containsKey("mirrorgate.dev/original-images");
    assertThat(pod.getSpec().getContainers().get(0).getImage())
        .isEqualTo("m.local:5000/dockerhub/library/nginx:1.25");
    assertThat(client.get("/metrics").body())
        .containsPattern("mirrorgate_certificate_expiry_seconds \\d{6,}");
    assertThat(stderr()).contains("certificate)").doesNotContain("PRIVATE KEY");
  }

  private static boolean secretExists(CoreV1Api core, String ns) {
    try {
      core.readNamespacedSecret("mirrorgate-webhook-tls", ns).execute();
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  private String register(String ns, int port) throws ApiException {
    String name = "jar-" + ns;
    new AdmissionregistrationV1Api(api.client())
        .createMutatingWebhookConfiguration(TestWebhookConfigurations.podCreatesIn(name, ns, port))
        .execute();
    return name;
  }

  private Process start(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile());
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().put("KUBECONFIG", api.kubeconfig().toString());
    Process p = builder.start();
    processes.add(p);
    return p;
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
