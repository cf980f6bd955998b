package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentRenderer;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.GoldenFiles;
import dev.mirrorgate.webhook.owned.Parsed;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object a RegistryMirror owns, for the RegistryMirrors in {@code golden/mirror/*.cr.yaml}
 * (legacy {@code k8s.osp.tech/v1} ones managed in services mode), compared with {@code
 * golden/mirror/*.yaml}.
 */
class RegistryMirrorGoldenTest {
  static final String NAMESPACE = "mirrorgate";
  static final String CLUSTER_IP_ANNOTATION = "golden.mirrorgate.dev/cluster-ip";
  static final String LEAF = "-----BEGIN CERTIFICATE-----\nTEST-LEAF\n-----END CERTIFICATE-----\n";
  static final String CA = "-----BEGIN CERTIFICATE-----\nTEST-CA\n-----END CERTIFICATE-----\n";
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nTEST-KEY\n-----END PRIVATE KEY-----\n";

  private final RegistryMirrorSpecParser parser = new RegistryMirrorSpecParser(MirrorMode.SERVICES);
  private final RegistryMirrorRenderer renderer = new RegistryMirrorRenderer();

  static Stream<Path> cases() throws Exception {
    return GoldenFiles.cases("mirror");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersTheGoldenObjects(Path input) throws Exception {
    JsonNode cr = GoldenFiles.read(input);
    Parsed<RegistryMirrorSpec> parsed = parser.parse(cr);
    RegistryMirrorSpec spec = parsed.get();
    String clusterIp =
        cr.at("/metadata/annotations").path(CLUSTER_IP_ANNOTATION).asText("10.96.0.15");
    CertificateNames names = renderer.certificateNames(spec, NAMESPACE, clusterIp);
    ObjectNode certificate = JsonNodeFactory.instance.objectNode();
    certificate.put("commonName", names.commonName());
    names.dnsNames().forEach(certificate.putArray("dnsNames")::add);
    names.ipAddresses().forEach(certificate.putArray("ipAddresses")::add);
    String mirrors =
        MirrorsDocumentRenderer.render(
            new MirrorsDocument(List.of(renderer.mirrorsEntry(spec, clusterIp, CA))));

    GoldenFiles.assertMatches(
        input,
        List.of(
            renderer.service(spec, NAMESPACE),
            renderer.headlessService(spec, NAMESPACE),
            renderer.tlsSecret(spec, NAMESPACE, LEAF + CA, KEY, CA),
            renderer.configMap(spec, NAMESPACE),
            renderer.statefulSet(
                spec,
                NAMESPACE,
                LEAF + CA,
                spec.credentialsSecret().isPresent() ? "resourceVersion:42" : ""),
            JsonNodeFactory.instance.objectNode().set("certificateNames", certificate),
            GoldenFiles.readYaml(mirrors)));
  }
}
