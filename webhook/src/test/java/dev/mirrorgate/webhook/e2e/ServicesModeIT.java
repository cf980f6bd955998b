package dev.mirrorgate.webhook.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestWebhookConfigurations;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services mode end to end: a RegistryMirror with {@code mode: services} is reconciled by the
 * controller into {@code mirrorgate-mirrors}; the webhook jar ({@code serve --mirrors-configmap})
 * turns its entry into a rule; a Pod created through the real API server is rewritten to the
 * mirror's ClusterIP. The user's own rule for the same upstream wins.
 */
class ServicesModeIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir Path dir;
  private final ControllerFixture fixture = new ControllerFixture(api);
  private Process webhook;

  @AfterEach
  void stop() {
    fixture.close();
    if (webhook != null) {
      webhook.destroyForcibly();
    }
  }

  @Test
  void aServicesModeMirrorRewritesPodsToItsClusterIp() throws Exception {
    fixture.installCrds();
    String system = api.createNamespace("mirrorgate");
    String apps = api.createNamespace("apps");
    fixture.start(system);
    fixture
        .rest()
        .apply(
            MirrorSources.REGISTRY_MIRRORS,
            ControllerFixture.yaml(
                """
                apiVersion: mirrorgate.dev/v1alpha1
                kind: RegistryMirror
                metadata: {name: hub}
                spec: {upstream: docker.io, mode: services}
                """));
    fixture
        .rest()
        .apply(
            MirrorSources.REGISTRY_MIRRORS,
            ControllerFixture.yaml(
                """
                apiVersion: mirrorgate.dev/v1alpha1
                kind: RegistryMirror
                metadata: {name: ghcr}
                spec: {upstream: ghcr.io, mode: services}
                """));
    String hubIp = clusterIp(system, "registry-mirror-hub");
    String ghcrIp = clusterIp(system, "registry-mirror-ghcr");

    // The webhook jar: the user's mapping has its own rule for ghcr.io; the mirrors add docker.io.
    CertificateAuthority ca =
        CertificateAuthority.create(
            "services CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
    IssuedCertificate leaf =
        ca.issue(
            LeafSpec.server(
                "localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1)));
    Path cert = Files.writeString(dir.resolve("tls.crt"), leaf.certificateChainPem());
    Path key = Files.writeString(dir.resolve("tls.key"), leaf.privateKeyPem());
    Path mapping =
        Files.writeString(
            dir.resolve("mapping.yaml"),
            "mirrors: [{source: ghcr.io, target: m.local:5000/ghcr}]\n");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "serve",
                "--bind-address=127.0.0.1",
                "--port=" + port,
                "--tls-cert=" + cert,
                "--tls-key=" + key,
                "--mapping=" + mapping,
                "--mirrors-configmap=" + system + "/mirrorgate-mirrors")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("webhook.log").toFile());
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().put("KUBECONFIG", api.kubeconfig().toString());
    webhook = builder.start();
    V1MutatingWebhookConfiguration configuration =
        TestWebhookConfigurations.podCreatesIn("mirrorgate-services", apps, port);
    configuration
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .caBundle(ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
    new AdmissionregistrationV1Api(api.client())
        .createMutatingWebhookConfiguration(configuration)
        .execute();

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> image(apps, "nginx:1.25").equals(hubIp + "/library/nginx:1.25"));
    assertThat(image(apps, "ghcr.io/acme/app:2"))
        .as("the user's rule wins the source both name")
        .isEqualTo("m.local:5000/ghcr/acme/app:2")
        .doesNotContain(ghcrIp);
    assertThat(Files.readString(dir.resolve("webhook.log")))
        .contains("services-mode mirrors loaded");
  }

  private String clusterIp(String namespace, String service) {
    return await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                fixture
                    .rest()
                    .get(ApiResource.SERVICES, namespace, service)
                    .map(s -> s.node().at("/spec/clusterIP").asText(""))
                    .orElse(""),
            ip -> !ip.isEmpty());
  }

  private int pods;

  /** Creates a Pod with {@code image}; returns the image it got. */
  private String image(String namespace, String image) throws KubeException {
    ObjectNode pod =
        ControllerFixture.yaml(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p%d, namespace: %s}
            spec:
              containers: [{name: c, image: "%s"}]
            """
                .formatted(pods++, namespace, image));
    KubeObject created = fixture.rest().create(ApiResource.forKind("Pod"), pod);
    return created.node().at("/spec/containers/0/image").asText();
  }
}
