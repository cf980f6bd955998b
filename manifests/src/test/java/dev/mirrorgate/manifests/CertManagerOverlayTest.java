package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cert-manager overlay, as YAML: cert-manager's CRDs are not served by the test API server.
 * Where {@code kubectl} is installed, the overlay is also rendered with {@code kubectl kustomize}.
 */
class CertManagerOverlayTest {
  private static final Path OVERLAY = Path.of("kustomize", "overlays", "cert-manager");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static JsonNode kustomization;
  private static List<Manifest> resources;
  private static List<Manifest> base;

  @BeforeAll
  static void read() throws IOException {
    kustomization = YAML.readTree(OVERLAY.resolve("kustomization.yaml").toFile());
    resources = read(OVERLAY.resolve("certificates.yaml"));
    base = Manifests.objects(Manifests.BASE);
  }

  @Test
  void everyFileIsListedAndEveryListedFileExists() throws IOException {
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    kustomization.path("patches").forEach(p -> listed.add(p.path("path").asText()));
    assertThat(listed).contains("../../base");
    listed.remove("../../base");
    assertThat(listed).allSatisfy(f -> assertThat(OVERLAY.resolve(f)).isRegularFile());
    try (var files = Files.list(OVERLAY)) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> !f.equals("kustomization.yaml")))
          .containsExactlyInAnyOrderElementsOf(listed);
    }
  }

  @Test
  void theServingCertificateNamesTheServiceAndLandsInTheMountedSecret() throws IOException {
    JsonNode serving = named(resources, "Certificate", "mirrorgate-webhook");
    JsonNode service =
        Manifests.only(base, "MutatingWebhookConfiguration")
            .object()
            .at("/webhooks/0/clientConfig/service");
    assertThat(serving.at("/spec/dnsNames").toString())
        .contains(
            "\""
                + service.path("name").asText()
                + "."
                + service.path("namespace").asText()
                + ".svc\"");
    JsonNode deployment = read(OVERLAY.resolve("deployment-files-mode.yaml")).get(0).object();
    String secretName = serving.at("/spec/secretName").asText();
    assertThat(deployment.at("/spec/template/spec/volumes/0/secret/secretName").asText())
        .isEqualTo(secretName);
    assertThat(serving.at("/spec/usages").toString()).contains("server auth");
  }

  @Test
  void theServingCertificateChainsToACaIssuerBackedByTheCaCertificate() {
    JsonNode serving = named(resources, "Certificate", "mirrorgate-webhook");
    JsonNode caIssuer = named(resources, "Issuer", serving.at("/spec/issuerRef/name").asText());
    JsonNode ca = named(resources, "Certificate", "mirrorgate-ca");
    assertThat(ca.at("/spec/isCA").asBoolean()).isTrue();
    assertThat(caIssuer.at("/spec/ca/secretName").asText())
        .isEqualTo(ca.at("/spec/secretName").asText());
    assertThat(
            named(resources, "Issuer", ca.at("/spec/issuerRef/name").asText())
                .at("/spec/selfSigned")
                .isObject())
        .isTrue();
  }

  @Test
  void cainjectorIsToldWhichCertificateToInjectIntoTheWebhookConfiguration() throws IOException {
    JsonNode patch = read(OVERLAY.resolve("webhook-inject-ca-from.yaml")).get(0).object();
    assertThat(patch.path("kind").asText()).isEqualTo("MutatingWebhookConfiguration");
    assertThat(patch.at("/metadata/name").asText())
        .isEqualTo(Manifests.only(base, "MutatingWebhookConfiguration").name());
    JsonNode serving = named(resources, "Certificate", "mirrorgate-webhook");
    assertThat(patch.at("/metadata/annotations").path("cert-manager.io/inject-ca-from").asText())
        .isEqualTo(
            serving.at("/metadata/namespace").asText()
                + "/"
                + serving.at("/metadata/name").asText());
  }

  /** The patch replaces the args list: it must keep every base argument but the TLS source. */
  @Test
  void theDeploymentServesTheFilesAndKeepsEveryOtherArgument() throws IOException {
    JsonNode patchArgs =
        read(OVERLAY.resolve("deployment-files-mode.yaml"))
            .get(0)
            .object()
            .at("/spec/template/spec/containers/0/args");
    JsonNode baseArgs =
        Manifests.only(base, "Deployment").object().at("/spec/template/spec/containers/0/args");
    assertThat(strings(patchArgs))
        .contains("--tls-cert=/etc/mirrorgate/tls/tls.crt", "--tls-key=/etc/mirrorgate/tls/tls.key")
        .noneMatch(a -> a.startsWith("--tls-secret") || a.startsWith("--webhook-config"));
    assertThat(strings(patchArgs).stream().filter(a -> !a.startsWith("--tls-")).toList())
        .isEqualTo(
            strings(baseArgs).stream()
                .filter(a -> !a.startsWith("--tls-") && !a.startsWith("--webhook-config"))
                .toList());
  }

  @Test
  void renderedTheWebhookHasNoSecretOrCaBundleAccess() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl not installed: YAML checks only");
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", OVERLAY.toString())
            .redirectErrorStream(true)
            .start();
    String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kubectl.exitValue()).as(rendered).isZero();
    List<Manifest> objects = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(rendered)) {
      while (docs.hasNext()) {
        objects.add(new Manifest(OVERLAY, docs.next()));
      }
    }
    assertThat(objects).noneMatch(m -> m.kind().startsWith("ClusterRole"));
    assertThat(Manifests.only(objects, "Role").object().path("rules").toString())
        .doesNotContain("secrets");
    assertThat(
            Manifests.only(objects, "MutatingWebhookConfiguration")
                .object()
                .at("/metadata/annotations")
                .toString())
        .contains("cert-manager.io/inject-ca-from");
    assertThat(objects).filteredOn(m -> m.kind().equals("Certificate")).hasSize(2);
    assertThat(Manifests.only(objects, "Deployment").object().toString())
        .contains("--tls-cert=", "mirrorgate-webhook-tls")
        .doesNotContain("--tls-secret");
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && java.util.Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static JsonNode named(List<Manifest> objects, String kind, String name) {
    return objects.stream()
        .filter(m -> m.kind().equals(kind) && m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + objects))
        .object();
  }

  private static List<Manifest> read(Path file) throws IOException {
    List<Manifest> objects = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          objects.add(new Manifest(file, doc));
        }
      }
    }
    return objects;
  }
}
