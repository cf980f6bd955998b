package dev.mirrorgate.webhook.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * mirror-operator's users keep their {@code k8s.osp.tech/v1} RegistryMirrors: where that CRD is
 * installed, the controller manages them like its own, in the mode {@code --addressing-scheme}
 * gives (mirror-operator's ADDRESSING_SCHEME).
 */
class LegacyRegistryMirrorIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Path LEGACY_CRD =
      Path.of(
          "..",
          "common",
          "src",
          "test",
          "resources",
          "dev",
          "mirrorgate",
          "common",
          "testing",
          "registrymirrors.k8s.osp.tech.yaml");

  private final ControllerFixture fixture = new ControllerFixture(api);

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void legacyMirrorsAreManagedInTheAddressingSchemesMode() throws Exception {
    fixture.installCrds();
    fixture.installCrd(ControllerFixture.documents(LEGACY_CRD).get(0));
    String ns = api.createNamespace("mirrorgate");
    fixture.start(ns, "--addressing-scheme=services");

    fixture
        .rest()
        .apply(
            MirrorSources.LEGACY_REGISTRY_MIRRORS,
            ControllerFixture.yaml(
                """
                apiVersion: k8s.osp.tech/v1
                kind: RegistryMirror
                metadata: {name: legacy}
                spec:
                  upstreamUrl: quay.io
                  masqueradeUrl: mirror-quay.example
                  someOldField: ignored
                """));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                entry(ns).isPresent()
                    && fixture
                        .rest()
                        .get(ApiResource.STATEFUL_SETS, ns, "registry-mirror-legacy")
                        .isPresent());
    Mirror entry = entry(ns).orElseThrow();
    assertThat(entry.upstream()).isEqualTo("quay.io");
    assertThat(entry.masquerade()).contains("mirror-quay.example");
    assertThat(entry.rewrite()).as("services mode: the webhook rewrites").isTrue();
    KubeObject statefulSet =
        fixture.rest().get(ApiResource.STATEFUL_SETS, ns, "registry-mirror-legacy").orElseThrow();
    assertThat(statefulSet.node().at("/metadata/ownerReferences/0/apiVersion").asText())
        .isEqualTo("k8s.osp.tech/v1");
  }

  private Optional<Mirror> entry(String ns) throws Exception {
    Optional<KubeObject> cm = fixture.rest().get(ApiResource.CONFIG_MAPS, ns, "mirrorgate-mirrors");
    if (cm.isEmpty()) {
      return Optional.empty();
    }
    return new MirrorsDocumentParser()
        .parse(cm.get().node().path("data").path("mirrors.yaml").asText()).mirrors().stream()
            .filter(m -> m.name().equals("legacy"))
            .findFirst();
  }
}
