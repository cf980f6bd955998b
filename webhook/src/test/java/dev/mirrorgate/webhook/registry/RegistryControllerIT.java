package dev.mirrorgate.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Registry controller on a real API server: what a Registry creates in its namespace, the
 * notification token in Secret mirrorgate-webhook-tokens, the node-local mirrors entry, bad
 * references, and what deletion keeps.
 */
class RegistryControllerIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ControllerFixture fixture = new ControllerFixture(api);
  private String controllerNs;
  private String ns;

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
  }

  @BeforeEach
  void start() throws Exception {
    controllerNs = api.createNamespace("mirrorgate");
    ns = api.createNamespace("team");
    fixture.start(controllerNs);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private KubeRest rest() {
    return fixture.rest();
  }

  private ObjectNode registry(String name, String specYaml) {
    return ControllerFixture.yaml(
        """
        apiVersion: mirrorgate.dev/v1alpha1
        kind: Registry
        metadata:
          name: %s
          namespace: %s
        spec:
        %s
        """
            .formatted(name, ns, specYaml.indent(2)));
  }

  private Optional<KubeObject> get(ApiResource kind, String namespace, String name)
      throws Exception {
    return rest().get(kind, namespace, name);
  }

  private JsonNode ready(String name) throws Exception {
    KubeObject cr = rest().get(RegistrySources.REGISTRIES, ns, name).orElseThrow();
    for (JsonNode condition : cr.node().path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return ControllerFixture.JSON.missingNode();
  }

  private static String decode(JsonNode value) {
    return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
  }

  private Optional<Mirror> entry(String name) throws Exception {
    Optional<KubeObject> cm = get(ApiResource.CONFIG_MAPS, controllerNs, "mirrorgate-mirrors");
    if (cm.isEmpty()) {
      return Optional.empty();
    }
    return new MirrorsDocumentParser()
        .parse(cm.get().node().path("data").path("mirrors.yaml").asText()).mirrors().stream()
            .filter(m -> m.name().equals(name))
            .findFirst();
  }

  @Test
  void aNodeLocalRegistryGetsItsObjectsTokenAndMirrorsEntry() throws Exception {
    rest().apply(RegistrySources.REGISTRIES, registry("apps", "nodeLocal: {port: 5000}"));

    await().atMost(WAIT).until(() -> get(ApiResource.DEPLOYMENTS, ns, "registry-apps").isPresent());
    KubeObject service = get(ApiResource.SERVICES, ns, "registry-apps").orElseThrow();
    String clusterIp = service.node().at("/spec/clusterIP").asText();
    assertThat(get(ApiResource.PERSISTENT_VOLUME_CLAIMS, ns, "registry-apps")).isPresent();
    assertThat(get(ApiResource.SECRETS, ns, "registry-apps-tls")).isPresent();

    KubeObject config = get(ApiResource.SECRETS, ns, "registry-apps-config").orElseThrow();
    String configYaml = decode(config.node().at("/data/config.yml"));
    String token = decode(config.node().at("/data/notification-token"));
    assertThat(configYaml)
        .contains(
            "https://mirrorgate-controller." + controllerNs + ".svc:9443/v1/webhooks/registry")
        .contains("Bearer " + token)
        .contains("localhost:5000");
    KubeObject tokens =
        get(ApiResource.SECRETS, controllerNs, "mirrorgate-webhook-tokens").orElseThrow();
    assertThat(decode(tokens.node().at("/data/registry-" + ns + "-apps"))).isEqualTo(token);

    await().atMost(WAIT).until(() -> entry("registry-" + ns + "-apps").isPresent());
    Mirror entry = entry("registry-" + ns + "-apps").orElseThrow();
    assertThat(entry.upstream()).isEqualTo("localhost:5000");
    assertThat(entry.endpoint()).hasToString("https://" + clusterIp + ":5000");
    assertThat(entry.caBundle())
        .isEqualTo(
            decode(
                get(ApiResource.SECRETS, controllerNs, "mirrorgate-ca")
                    .orElseThrow()
                    .node()
                    .at("/data/ca.crt")));
    await()
        .atMost(WAIT)
        .until(() -> "RegistryNotReady".equals(ready("apps").path("reason").asText()));

    // Reconciling again keeps the token (the registry and the Secret agree).
    ObjectNode relabel = ControllerFixture.JSON.createObjectNode();
    relabel.putObject("metadata").putObject("labels").put("touched", "yes");
    rest().mergePatch(RegistrySources.REGISTRIES, ns, "apps", relabel);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(
            () ->
                decode(
                        get(ApiResource.SECRETS, ns, "registry-apps-config")
                            .orElseThrow()
                            .node()
                            .at("/data/notification-token"))
                    .equals(token));

    // Deleted: everything goes but the PVC (retainOnDelete defaults to true) and the CA.
    rest().delete(RegistrySources.REGISTRIES, ns, "apps", null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(ApiResource.DEPLOYMENTS, ns, "registry-apps")).isEmpty();
              assertThat(get(ApiResource.SERVICES, ns, "registry-apps")).isEmpty();
              assertThat(get(ApiResource.SECRETS, ns, "registry-apps-config")).isEmpty();
              assertThat(get(ApiResource.SECRETS, ns, "registry-apps-tls")).isEmpty();
              assertThat(entry("registry-" + ns + "-apps")).isEmpty();
              assertThat(
                      get(ApiResource.SECRETS, controllerNs, "mirrorgate-webhook-tokens")
                          .orElseThrow()
                          .node()
                          .at("/data")
                          .has("registry-" + ns + "-apps"))
                  .isFalse();
            });
    assertThat(get(ApiResource.PERSISTENT_VOLUME_CLAIMS, ns, "registry-apps"))
        .as("the images outlive the Registry")
        .isPresent();
  }

  @Test
  void badReferencesAreReportedOnTheRegistry() throws Exception {
    rest().apply(RegistrySources.REGISTRIES, registry("guarded", "auth: {htpasswdSecret: users}"));
    rest()
        .apply(
            RegistrySources.REGISTRIES,
            registry("issued", "tls: {issuerRef: {name: corp-ca, kind: ClusterIssuer}}"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(ready("guarded").path("reason").asText()).isEqualTo("HtpasswdInvalid");
              assertThat(ready("guarded").path("message").asText())
                  .contains("spec.auth.htpasswdSecret", "users");
              assertThat(ready("issued").path("reason").asText()).isEqualTo("CertManagerMissing");
            });
    assertThat(get(ApiResource.DEPLOYMENTS, ns, "registry-guarded")).isEmpty();
    assertThat(get(ApiResource.DEPLOYMENTS, ns, "registry-issued")).isEmpty();
  }
}
