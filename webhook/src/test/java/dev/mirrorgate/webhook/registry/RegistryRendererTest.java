package dev.mirrorgate.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.owned.OwnedObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryRendererTest {
  private static final RegistryInputs NOTIFYING =
      new RegistryInputs(
          Optional.of(new NotificationEndpoint("https://intake/v1/webhooks/registry", "tok", "CA")),
          "h-secret");

  private final RegistrySpecParser parser = new RegistrySpecParser();
  private final RegistryRenderer renderer = new RegistryRenderer();

  private RegistrySpec spec(String yaml) {
    return parser.parse(RegistrySpecParserTest.registry(yaml)).get();
  }

  @Test
  void aKeptPvcHasNoOwnerAndSaysSo() {
    JsonNode kept = renderer.persistentVolumeClaim(spec("storage: {retainOnDelete: true}"));
    JsonNode owned = renderer.persistentVolumeClaim(spec("storage: {retainOnDelete: false}"));

    assertThat(kept.at("/metadata/ownerReferences").isMissingNode()).isTrue();
    assertThat(kept.at("/metadata/labels").path(RegistryRenderer.RETAIN_LABEL).asText())
        .isEqualTo("true");
    assertThat(owned.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("Registry");
    assertThat(owned.at("/metadata/labels").path(RegistryRenderer.RETAIN_LABEL).asText())
        .isEqualTo("false");
  }

  @Test
  void theRegistryNameIsWhatTheWorkloadsWrite() {
    assertThat(renderer.registryName(spec("nodeLocal: {port: 5001}"))).isEqualTo("localhost:5001");
    assertThat(renderer.registryName(spec("service: {port: 443}")))
        .isEqualTo("registry-local.apps.svc:443");
  }

  @Test
  void withoutPushToDeployThereIsNoEndpointNoTokenAndNoCaOverride() {
    RegistrySpec spec = spec("pushToDeploy: false");

    assertThat(
            renderer.configYaml(
                spec, NOTIFYING, dev.mirrorgate.webhook.owned.RegistryLayout.IN_CONTAINER))
        .doesNotContain("notifications", "tok");
    assertThat(renderer.configSecret(spec, NOTIFYING).path("data").has(RegistryRenderer.TOKEN_KEY))
        .isFalse();
    assertThat(
            renderer
                .deployment(spec, NOTIFYING, "", "")
                .at("/spec/template/spec/containers/0/env")
                .isMissingNode())
        .isTrue();
  }

  @Test
  void theCertificateNamesTheLoadBalancerIpAsAnIp() {
    RegistrySpec spec = spec("service: {type: LoadBalancer, loadBalancerIP: 172.17.1.62}");

    assertThat(renderer.certificateNames(spec, "10.96.0.20").ipAddresses())
        .containsExactly("10.96.0.20", "172.17.1.62");
    assertThat(renderer.certificateNames(spec, "10.96.0.20").dnsNames())
        .doesNotContain("172.17.1.62");
    assertThat(renderer.certificate(spec, "10.96.0.20")).isEmpty();
  }

  @Test
  void onlyNodeLocalRegistriesHaveAMirrorsEntry() {
    assertThat(renderer.mirrorsEntry(spec("replicas: 1"), "10.0.0.1", "CA")).isEmpty();
    assertThat(
            renderer
                .mirrorsEntry(spec("nodeLocal: {port: 5000}"), "fd00::20", "CA")
                .orElseThrow()
                .endpoint())
        .hasToString("https://[fd00::20]:5000");
  }

  @Test
  void thePodTemplateHashChangesWithTheUsersTheCertificateAndTheToken() {
    RegistrySpec spec = spec("auth: {htpasswdSecret: users}");
    String base = hash(renderer.deployment(spec, NOTIFYING, "CERT", "users-1"));

    assertThat(hash(renderer.deployment(spec, NOTIFYING, "CERT", "users-1"))).isEqualTo(base);
    assertThat(hash(renderer.deployment(spec, NOTIFYING, "CERT", "users-2"))).isNotEqualTo(base);
    assertThat(hash(renderer.deployment(spec, NOTIFYING, "CERT-2", "users-1"))).isNotEqualTo(base);
    RegistryInputs rotated =
        new RegistryInputs(
            Optional.of(
                new NotificationEndpoint("https://intake/v1/webhooks/registry", "tok2", "CA")),
            "h-secret");
    assertThat(hash(renderer.deployment(spec, rotated, "CERT", "users-1"))).isNotEqualTo(base);
  }

  @Test
  void secretsNeverShowInToString() {
    assertThat(NOTIFYING.toString()).doesNotContain("tok", "h-secret").contains("https://intake");
  }

  private static String hash(JsonNode deployment) {
    return deployment
        .at("/spec/template/metadata/annotations")
        .path(OwnedObject.CONFIG_HASH)
        .asText();
  }
}
