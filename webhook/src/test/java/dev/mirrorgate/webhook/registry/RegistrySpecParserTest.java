package dev.mirrorgate.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.webhook.owned.Htpasswd;
import dev.mirrorgate.webhook.owned.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistrySpecParserTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final RegistrySpecParser parser = new RegistrySpecParser();

  @Test
  void aRegistryWithoutSpecGetsEveryDefault() {
    RegistrySpec spec =
        parser
            .parse(
                tree(
                    "{apiVersion: mirrorgate.dev/v1alpha1, kind: Registry, metadata: {name: builds, namespace: ci}}"))
            .get();

    assertThat(spec.name()).isEqualTo("builds");
    assertThat(spec.namespace()).isEqualTo("ci");
    assertThat(spec.replicas()).isEqualTo(1);
    assertThat(spec.storage())
        .isEqualTo(new RegistrySpec.Storage("5Gi", java.util.Optional.empty(), true));
    assertThat(spec.service())
        .isEqualTo(
            new RegistrySpec.Service("ClusterIP", 5000, java.util.Optional.empty(), Map.of()));
    assertThat(spec.issuerRef()).isEmpty();
    assertThat(spec.nodeLocalPort()).isEmpty();
    assertThat(spec.htpasswdSecret()).isEmpty();
    assertThat(spec.pushToDeploy()).isTrue();
    assertThat(spec.image()).isEqualTo("docker.io/library/registry:2");
    assertThat(spec.resourceName()).isEqualTo("registry-builds");
    assertThat(spec.mirrorName()).isEqualTo("registry-ci-builds");
  }

  @Test
  void everyFieldIsRead() {
    RegistrySpec spec =
        parser
            .parse(
                registry(
                    """
                    replicas: 2
                      storage: {size: 50Gi, storageClassName: longhorn, retainOnDelete: false}
                      service: {type: LoadBalancer, port: 443, loadBalancerIP: 172.17.1.62, annotations: {a: b}}
                      tls: {issuerRef: {name: letsencrypt}}
                      nodeLocal: {port: 5001}
                      auth: {htpasswdSecret: push-users}
                      pushToDeploy: false
                      image: registry.example.com/registry:3.0.0"""))
            .get();

    assertThat(spec.replicas()).isEqualTo(2);
    assertThat(spec.storage())
        .isEqualTo(new RegistrySpec.Storage("50Gi", java.util.Optional.of("longhorn"), false));
    assertThat(spec.service())
        .isEqualTo(
            new RegistrySpec.Service(
                "LoadBalancer", 443, java.util.Optional.of("172.17.1.62"), Map.of("a", "b")));
    assertThat(spec.issuerRef())
        .contains(new RegistrySpec.IssuerRef("letsencrypt", "Issuer", "cert-manager.io"));
    assertThat(spec.nodeLocalPort()).hasValue(5001);
    assertThat(spec.htpasswdSecret()).contains("push-users");
    assertThat(spec.pushToDeploy()).isFalse();
    assertThat(spec.image()).isEqualTo("registry.example.com/registry:3.0.0");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            registry("service: {type: ClusterIP, loadBalancerIP: 172.17.1.62}"),
            List.of(
                "spec.service.loadBalancerIP: only allowed with type LoadBalancer, the type is"
                    + " ClusterIP")),
        Arguments.of(
            registry("service: {type: LoadBalancer, loadBalancerIP: 172.17.1.620}"),
            List.of("spec.service.loadBalancerIP: \"172.17.1.620\" is not an IP address")),
        Arguments.of(
            registry("service: {type: ExternalName, port: 0}"),
            List.of(
                "spec.service.type: \"ExternalName\" must be ClusterIP, NodePort or LoadBalancer",
                "spec.service.port: must be between 1 and 65535, got 0")),
        Arguments.of(
            registry("storage: {size: lots, retainOnDelete: yes please}"),
            List.of(
                "spec.storage.size: \"lots\" is not a quantity (e.g. 20Gi, 500Mi, 1T)",
                "spec.storage.retainOnDelete: must be true or false, got a string \"yes please\"")),
        Arguments.of(registry("nodeLocal: {}"), List.of("spec.nodeLocal.port: required")),
        Arguments.of(
            registry("nodeLocal: {port: 70000}"),
            List.of("spec.nodeLocal.port: must be between 1 and 65535, got 70000")),
        Arguments.of(
            registry("tls: {issuerRef: {kind: Vault}}"),
            List.of(
                "spec.tls.issuerRef.name: required",
                "spec.tls.issuerRef.kind: \"Vault\" must be Issuer or ClusterIssuer")),
        Arguments.of(
            registry("auth: {htpasswdSecret: Push Users}"),
            List.of("spec.auth.htpasswdSecret: \"Push Users\" is not a lowercase DNS name")),
        Arguments.of(
            registry("pushToDeploy: \"true\""),
            List.of("spec.pushToDeploy: must be true or false, got a string \"true\"")),
        Arguments.of(
            tree(
                "{apiVersion: mirrorgate.dev/v1alpha1, kind: Registry, metadata: {name:"
                    + " a-registry-name-that-is-fifty-five-characters-long-abcde}}"),
            List.of(
                "metadata.name: \"a-registry-name-that-is-fifty-five-characters-long-abcde\" is"
                    + " longer than 54 characters (Service registry-<name> must be a DNS label of"
                    + " 63)",
                "metadata.namespace: required: a Registry is namespaced")),
        Arguments.of(
            tree(
                "{apiVersion: mirrorgate.dev/v1, kind: Registry, metadata: {name: a, namespace: b}, spec: []}"),
            List.of(
                "apiVersion: \"mirrorgate.dev/v1\" is not mirrorgate.dev/v1alpha1",
                "spec: must be an object, got a list")));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void everyErrorIsReportedWithItsFieldPath(JsonNode cr, List<String> expected) {
    Parsed<RegistrySpec> parsed = parser.parse(cr);

    assertThat(parsed.isValid()).isFalse();
    assertThat(parsed.errors()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(parsed.errors().get(i)).startsWith(expected.get(i));
    }
  }

  static Stream<Arguments> htpasswdFiles() {
    return Stream.of(
        Arguments.of(
            "# users\n" + Htpasswd.line("alice", "a") + "\n" + Htpasswd.line("bob", "b"),
            List.of()),
        Arguments.of(
            Htpasswd.line("alice", "a") + "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\ncarol\n",
            List.of(
                "spec.auth.htpasswdSecret: Secret \"apps/push-users\" key \"htpasswd\" line 2: the"
                    + " hash of user \"bob\" is not bcrypt (\"$2y$...\", htpasswd -B); the registry"
                    + " accepts no other",
                "spec.auth.htpasswdSecret: Secret \"apps/push-users\" key \"htpasswd\" line 3: not"
                    + " user:hash")),
        Arguments.of(
            "# nobody yet\n",
            List.of(
                "spec.auth.htpasswdSecret: Secret \"apps/push-users\" key \"htpasswd\" lists no user")));
  }

  @ParameterizedTest
  @MethodSource("htpasswdFiles")
  void thePushUsersMustBeBcryptHtpasswdLines(String file, List<String> problems) {
    RegistrySpec spec = parser.parse(registry("auth: {htpasswdSecret: push-users}")).get();
    ObjectNode secret = (ObjectNode) tree("{kind: Secret}");
    secret
        .putObject("data")
        .put("htpasswd", Base64.getEncoder().encodeToString(file.getBytes(StandardCharsets.UTF_8)));

    assertThat(RegistrySpecParser.htpasswdProblems(spec, secret)).isEqualTo(problems);
  }

  @Test
  void aMissingUsersSecretIsAnErrorOfItsField() {
    RegistrySpec spec = parser.parse(registry("auth: {htpasswdSecret: push-users}")).get();

    assertThat(RegistrySpecParser.htpasswdProblems(spec, null))
        .containsExactly("spec.auth.htpasswdSecret: Secret \"apps/push-users\" not found");
    assertThat(RegistrySpecParser.htpasswdProblems(spec, tree("{data: {users: eA==}}")))
        .containsExactly(
            "spec.auth.htpasswdSecret: Secret \"apps/push-users\" has no key \"htpasswd\"");
    assertThat(
            RegistrySpecParser.htpasswdProblems(parser.parse(registry("replicas: 1")).get(), null))
        .isEmpty();
  }

  static JsonNode registry(String spec) {
    return tree(
        """
        apiVersion: mirrorgate.dev/v1alpha1
        kind: Registry
        metadata: {name: local, namespace: apps, uid: u-local}
        spec:
          %s
        """
            .formatted(spec));
  }

  static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(yaml, e);
    }
  }
}
