package dev.mirrorgate.webhook.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.OwnedObject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryMirrorRendererTest {
  private final RegistryMirrorSpecParser parser = new RegistryMirrorSpecParser();
  private final RegistryMirrorRenderer renderer = new RegistryMirrorRenderer();

  private RegistryMirrorSpec spec(String yaml) {
    return parser.parse(RegistryMirrorSpecParserTest.mirror("docker", yaml)).get();
  }

  @Test
  void theCertificateNamesTheServicesTheMasqueradeAndTheClusterIpAsAnIp() {
    CertificateNames names =
        renderer.certificateNames(spec("upstream: docker.io"), "mirrorgate", "10.96.0.15");

    assertThat(names.commonName()).isEqualTo("registry-mirror-docker");
    assertThat(names.dnsNames())
        .contains(
            "registry-mirror-docker",
            "registry-mirror-docker.mirrorgate.svc",
            "registry-mirror-docker.mirrorgate.svc.cluster.local",
            "registry-mirror-docker-headless.mirrorgate.svc",
            "mirror-docker.io")
        .doesNotContain("10.96.0.15");
    assertThat(names.ipAddresses()).containsExactly("10.96.0.15");
    assertThat(names.leafSpec(Duration.ofDays(90)).dnsNames()).isEqualTo(names.dnsNames());
  }

  @Test
  void withoutMasqueradeTheCertificateAndTheEntryHaveNone() {
    RegistryMirrorSpec spec = spec("upstream: quay.io\n  masquerade: \"\"\n  mode: services");

    assertThat(renderer.certificateNames(spec, "mirrorgate", "fd00::15").dnsNames())
        .allSatisfy(name -> assertThat(name).startsWith("registry-mirror-docker"));
    assertThat(renderer.mirrorsEntry(spec, "fd00::15", "CA"))
        .isEqualTo(
            new Mirror(
                "docker",
                "quay.io",
                URI.create("https://[fd00::15]:443"),
                Optional.empty(),
                Optional.of("fd00::15"),
                true,
                "CA"));
  }

  @Test
  void onlyHostessModeLeavesImagesUnrewritten() {
    assertThat(renderer.mirrorsEntry(spec("upstream: docker.io"), "10.0.0.1", "").rewrite())
        .isFalse();
    assertThat(
            renderer
                .mirrorsEntry(spec("upstream: docker.io\n  mode: both"), "10.0.0.1", "")
                .rewrite())
        .isTrue();
  }

  @Test
  void thePodTemplateHashChangesWithTheCertificateTheCredentialsAndTheConfiguration() {
    RegistryMirrorSpec spec = spec("upstream: docker.io\n  credentialsSecret: hub");
    String base = hash(renderer.statefulSet(spec, "mirrorgate", "CERT-1", "rv-1"));

    assertThat(hash(renderer.statefulSet(spec, "mirrorgate", "CERT-1", "rv-1"))).isEqualTo(base);
    assertThat(hash(renderer.statefulSet(spec, "mirrorgate", "CERT-2", "rv-1"))).isNotEqualTo(base);
    assertThat(hash(renderer.statefulSet(spec, "mirrorgate", "CERT-1", "rv-2"))).isNotEqualTo(base);
    RegistryMirrorSpec shorter =
        spec("upstream: docker.io\n  credentialsSecret: hub\n  cacheTTL: 1h");
    assertThat(hash(renderer.statefulSet(shorter, "mirrorgate", "CERT-1", "rv-1")))
        .isNotEqualTo(base);
  }

  @Test
  void credentialsReachThePodsOnlyThroughSecretKeyRefs() {
    RegistryMirrorSpec spec = spec("upstream: docker.io\n  credentialsSecret: hub");

    JsonNode env =
        renderer.statefulSet(spec, "mirrorgate", "", "").at("/spec/template/spec/containers/0/env");
    assertThat(env.toString())
        .isEqualTo(
            "[{\"name\":\"REGISTRY_PROXY_USERNAME\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"hub\",\"key\":\"username\"}}},"
                + "{\"name\":\"REGISTRY_PROXY_PASSWORD\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"hub\",\"key\":\"password\"}}}]");
    assertThat(renderer.configMap(spec, "mirrorgate").toString())
        .doesNotContain("hub", "password", "username");
  }

  @Test
  void aLegacyObjectOwnsItsObjectsThroughItsOwnApiVersion() {
    JsonNode legacy =
        RegistryMirrorSpecParserTest.tree(
            "{apiVersion: k8s.osp.tech/v1, kind: RegistryMirror, metadata: {name: internal, uid: u-9},"
                + " spec: {upstreamUrl: hub.docker.io}}");
    RegistryMirrorSpec spec = parser.parse(legacy).get();

    JsonNode owner = renderer.service(spec, "mirrorgate").at("/metadata/ownerReferences/0");
    assertThat(owner.toString())
        .isEqualTo(
            "{\"apiVersion\":\"k8s.osp.tech/v1\",\"kind\":\"RegistryMirror\",\"name\":\"internal\","
                + "\"uid\":\"u-9\",\"controller\":true,\"blockOwnerDeletion\":true}");
    assertThat(
            renderer
                .service(spec, "mirrorgate")
                .at("/metadata/labels/" + escape(OwnedObject.MANAGED_BY))
                .asText())
        .isEqualTo("mirrorgate");
  }

  @Test
  void theServiceAndTheStatefulSetSelectOnlyThisMirrorsPods() {
    RegistryMirrorSpec spec = spec("upstream: docker.io");
    JsonNode selector = renderer.service(spec, "mirrorgate").at("/spec/selector");

    assertThat(renderer.statefulSet(spec, "mirrorgate", "", "").at("/spec/selector/matchLabels"))
        .isEqualTo(selector);
    assertThat(selector.toString())
        .isEqualTo(
            "{\"app.kubernetes.io/name\":\"registry-mirror\",\"app.kubernetes.io/instance\":\"docker\"}");
  }

  private static String hash(JsonNode statefulSet) {
    return statefulSet
        .at("/spec/template/metadata/annotations")
        .path(OwnedObject.CONFIG_HASH)
        .asText();
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
