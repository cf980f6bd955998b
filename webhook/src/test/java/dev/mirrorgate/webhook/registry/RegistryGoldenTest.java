package dev.mirrorgate.webhook.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentRenderer;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.GoldenFiles;
import dev.mirrorgate.webhook.owned.RegistryLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object a Registry owns, for the Registries in {@code golden/registry/*.cr.yaml}, compared
 * with {@code golden/registry/*.yaml}. The config Secret's {@code config.yml} is shown decoded too.
 */
class RegistryGoldenTest {
  static final String CLUSTER_IP = "10.96.0.20";
  static final String LEAF = "-----BEGIN CERTIFICATE-----\nTEST-LEAF\n-----END CERTIFICATE-----\n";
  static final String CA = "-----BEGIN CERTIFICATE-----\nTEST-CA\n-----END CERTIFICATE-----\n";
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nTEST-KEY\n-----END PRIVATE KEY-----\n";
  static final RegistryInputs INPUTS =
      new RegistryInputs(
          Optional.of(
              new NotificationEndpoint(
                  NotificationEndpoint.inCluster("mirrorgate"), "golden-token", CA)),
          "golden-http-secret");

  private final RegistrySpecParser parser = new RegistrySpecParser();
  private final RegistryRenderer renderer = new RegistryRenderer();

  static Stream<Path> cases() throws Exception {
    return GoldenFiles.cases("registry");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersTheGoldenObjects(Path input) throws Exception {
    RegistrySpec spec = parser.parse(GoldenFiles.read(input)).get();
    List<JsonNode> documents = new ArrayList<>();
    documents.add(renderer.service(spec));
    documents.add(renderer.persistentVolumeClaim(spec));
    Optional<ObjectNode> certificate = renderer.certificate(spec, CLUSTER_IP);
    documents.add(certificate.orElseGet(() -> renderer.tlsSecret(spec, LEAF + CA, KEY, CA)));
    documents.add(renderer.configSecret(spec, INPUTS));
    documents.add(
        renderer.deployment(
            spec, INPUTS, LEAF + CA, spec.authenticated() ? "resourceVersion:7" : ""));
    ObjectNode files = JsonNodeFactory.instance.objectNode();
    files.set(
        RegistryLayout.CONFIG_KEY,
        GoldenFiles.readYaml(renderer.configYaml(spec, INPUTS, RegistryLayout.IN_CONTAINER)));
    documents.add(files);
    CertificateNames names = renderer.certificateNames(spec, CLUSTER_IP);
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("registryName", renderer.registryName(spec));
    ObjectNode cert = summary.putObject("certificateNames");
    cert.put("commonName", names.commonName());
    names.dnsNames().forEach(cert.putArray("dnsNames")::add);
    names.ipAddresses().forEach(cert.putArray("ipAddresses")::add);
    documents.add(summary);
    renderer
        .mirrorsEntry(spec, CLUSTER_IP, CA)
        .ifPresent(
            mirror ->
                documents.add(
                    readYaml(
                        MirrorsDocumentRenderer.render(new MirrorsDocument(List.of(mirror))))));

    GoldenFiles.assertMatches(input, documents);
  }

  private static JsonNode readYaml(String text) {
    try {
      return GoldenFiles.readYaml(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
