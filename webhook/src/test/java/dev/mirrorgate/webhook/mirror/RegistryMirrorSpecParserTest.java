package dev.mirrorgate.webhook.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.webhook.owned.Parsed;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistryMirrorSpecParserTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final RegistryMirrorSpecParser parser = new RegistryMirrorSpecParser(MirrorMode.SERVICES);

  @Test
  void theSmallestMirrorGetsEveryDefault() throws Exception {
    RegistryMirrorSpec spec = parser.parse(mirror("docker", "upstream: docker.io")).get();

    assertThat(spec.name()).isEqualTo("docker");
    assertThat(spec.upstream()).isEqualTo("docker.io");
    assertThat(spec.remoteUrl()).isEqualTo("https://registry-1.docker.io");
    assertThat(spec.masquerade()).isEqualTo("mirror-docker.io");
    assertThat(spec.mode()).isEqualTo(MirrorMode.HOSTESS);
    assertThat(spec.credentialsSecret()).isEmpty();
    assertThat(spec.replicas()).isEqualTo(1);
    assertThat(spec.volumeClaimSpec().toString())
        .isEqualTo(
            "{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"20Gi\"}}}");
    assertThat(spec.cacheTtl()).isEqualTo("168h");
    assertThat(spec.image()).isEqualTo("docker.io/library/registry:2");
    assertThat(spec.pod().priorityClassName()).isEmpty();
    assertThat(spec.owner().uid()).isEqualTo("uid-docker");
    assertThat(spec.owner().generation()).isEqualTo(4);
  }

  static Stream<Arguments> upstreams() {
    return Stream.of(
        Arguments.of("ghcr.io", "https://ghcr.io", "mirror-ghcr.io"),
        Arguments.of("registry.local:5000", "https://registry.local:5000", "mirror-registry.local"),
        Arguments.of("localhost:5000", "https://localhost:5000", "mirror-localhost"),
        Arguments.of("myreg:5000", "https://myreg:5000", "mirror-myreg"));
  }

  @ParameterizedTest
  @MethodSource("upstreams")
  void theUpstreamGivesTheRemoteUrlAndTheDefaultMasquerade(
      String upstream, String remoteUrl, String masquerade) throws Exception {
    RegistryMirrorSpec spec = parser.parse(mirror("m", "upstream: \"" + upstream + "\"")).get();

    assertThat(spec.remoteUrl()).isEqualTo(remoteUrl);
    assertThat(spec.masquerade()).isEqualTo(masquerade);
  }

  @Test
  void anEmptyMasqueradeMeansNone() throws Exception {
    RegistryMirrorSpec spec =
        parser.parse(mirror("m", "upstream: quay.io\n  masquerade: \"\"")).get();

    assertThat(spec.hasMasquerade()).isFalse();
  }

  @Test
  void aLegacyObjectReadsMirrorOperatorsFieldsWithTheControllersMode() throws Exception {
    JsonNode legacy =
        YAML.readTree(
            """
            apiVersion: k8s.osp.tech/v1
            kind: RegistryMirror
            metadata: {name: internal, uid: u1}
            spec:
              upstreamUrl: hub.docker.io
              credentialsSecret: internal-mirror
              priorityClass: mirror-critical
              volumeClaimTemplate: {spec: {storageClassName: slow, resources: {requests: {storage: 5Gi}}}}
              mode: both
              replicas: 9
              anythingElse: {x: 1}
            """);

    RegistryMirrorSpec spec = parser.parse(legacy).get();

    assertThat(spec.upstream()).isEqualTo("hub.docker.io");
    assertThat(spec.masquerade()).isEqualTo("mirror-hub.docker.io");
    assertThat(spec.mode())
        .as("from the controller, not the object")
        .isEqualTo(MirrorMode.SERVICES);
    assertThat(spec.replicas()).as("not a legacy field").isEqualTo(1);
    assertThat(spec.credentialsSecret()).contains("internal-mirror");
    assertThat(spec.pod().priorityClassName()).contains("mirror-critical");
    assertThat(spec.volumeClaimSpec().at("/resources/requests/storage").asText()).isEqualTo("5Gi");
    assertThat(spec.volumeClaimSpec().path("storageClassName").asText()).isEqualTo("slow");
    assertThat(spec.owner().apiVersion()).isEqualTo("k8s.osp.tech/v1");
    assertThat(new RegistryMirrorSpecParser().parse(legacy).get().mode())
        .isEqualTo(MirrorMode.HOSTESS);
  }

  @Test
  void aLegacyMasqueradeUrlIsKept() throws Exception {
    JsonNode legacy =
        YAML.readTree(
            """
            apiVersion: k8s.osp.tech/v1
            kind: RegistryMirror
            metadata: {name: docker}
            spec: {upstreamUrl: docker.io, masqueradeUrl: local.docker.io}
            """);

    assertThat(parser.parse(legacy).get().masquerade()).isEqualTo("local.docker.io");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            mirror("m", "upstream: Bad Host"),
            List.of("spec.upstream: \"Bad Host\" is not a registry host[:port]")),
        Arguments.of(mirror("m", "mode: hostess"), List.of("spec.upstream: required")),
        Arguments.of(mirror("m", "upstream: \"\""), List.of("spec.upstream: required")),
        Arguments.of(
            mirror("m", "upstream: 5"), List.of("spec.upstream: must be a string, got a number")),
        Arguments.of(
            mirror("m", "upstream: docker.io/library"),
            List.of(
                "spec.upstream: \"docker.io/library\" is not a registry host[:port]: it has a path")),
        Arguments.of(
            mirror("m", "upstream: index.docker.io"),
            List.of(
                "spec.upstream: \"index.docker.io\" is not a registry host[:port]: write docker.io")),
        Arguments.of(
            mirror("m", "upstream: \"q.io:99999\""),
            List.of(
                "spec.upstream: \"q.io:99999\" is not a registry host[:port]: the port must be 1 to 65535")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  masquerade: Mirror_Docker"),
            List.of(
                "spec.masquerade: \"Mirror_Docker\" is not a lowercase DNS name (letters, digits,"
                    + " \"-\" and \".\", starting and ending with a letter or digit)")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  masquerade: 10.0.0.1"),
            List.of("spec.masquerade: \"10.0.0.1\" is an IP address; a masquerade is a host name")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  masquerade: localhost"),
            List.of("spec.masquerade: \"localhost\" is a loopback name of the node")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  masquerade: kubernetes.default.svc"),
            List.of(
                "spec.masquerade: \"kubernetes.default.svc\" is a cluster-internal name"
                    + " (<service>.<namespace>.svc.<cluster domain>); the node's /etc/hosts must"
                    + " not shadow it")),
        Arguments.of(
            // an IP upstream's default ends in a number, which resolvers read as an address
            mirror("m", "upstream: \"10.1.2.3:5000\""),
            List.of(
                "spec.masquerade: the default \"mirror-10.1.2.3\" is not a host name; write a"
                    + " masquerade, or \"\" for none")),
        Arguments.of(
            mirror("m", "upstream: \"ghcr.io:443\"\n  masquerade: ghcr.io"),
            List.of(
                "spec.masquerade: \"ghcr.io\" is the upstream itself: nodes would send the"
                    + " upstream's own traffic to the mirror, and the mirror could not fall back to"
                    + " it")),
        Arguments.of(
            mirror("m", "upstream: \"[fd00::1]:5000\""),
            List.of(
                "spec.masquerade: the default \"mirror-fd00::1\" is not a host name; write a"
                    + " masquerade, or \"\" for none")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  mode: sideways"),
            List.of("spec.mode: \"sideways\" must be hostess, services or both")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  credentialsSecret: Hub Creds"),
            List.of(
                "spec.credentialsSecret: \"Hub Creds\" is not a lowercase DNS name (letters,"
                    + " digits, \"-\" and \".\", starting and ending with a letter or digit)")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  replicas: -1"),
            List.of("spec.replicas: must be between 0 and 64, got -1")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  replicas: two"),
            List.of("spec.replicas: must be an integer, got a string \"two\"")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  cacheTTL: 7 days"),
            List.of(
                "spec.cacheTTL: \"7 days\" is not a duration (e.g. 168h, 30m, 1h30m, 0 for never)")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  image: \"Registry:2\""),
            List.of("spec.image: \"Registry:2\" is not an image reference: ")),
        Arguments.of(
            mirror(
                "m",
                "upstream: docker.io\n  volumeClaimTemplate: {spec: {accessModes: [Forever], resources: {requests: {storage: 20 GB}}}}"),
            List.of(
                "spec.volumeClaimTemplate.spec.accessModes[0]: a string \"Forever\" is not one of"
                    + " ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod",
                "spec.volumeClaimTemplate.spec.resources.requests.storage: \"20 GB\" is not a"
                    + " quantity (e.g. 20Gi, 500Mi, 1T)")),
        Arguments.of(
            mirror("m", "upstream: docker.io\n  volumeClaimTemplate: []"),
            List.of("spec.volumeClaimTemplate: must be an object, got a list")),
        Arguments.of(
            mirror(
                "m",
                """
                upstream: docker.io
                  priorityClassName: High
                  nodeSelector: {zone: 3}
                  tolerations: [{key: a, operator: Maybe, effect: Never, colour: red}, 7]
                  resources: {limits: {memory: lots}, requested: {}}"""),
            List.of(
                "spec.priorityClassName: \"High\" is not a lowercase DNS name (letters, digits,"
                    + " \"-\" and \".\", starting and ending with a letter or digit)",
                "spec.nodeSelector.zone: must be a string, got a number",
                "spec.tolerations[0].operator: \"Maybe\" must be Exists or Equal",
                "spec.tolerations[0].effect: \"Never\" must be NoSchedule, PreferNoSchedule or"
                    + " NoExecute",
                "spec.tolerations[0].colour: is not a toleration field",
                "spec.tolerations[1]: must be an object, got a number",
                "spec.resources.requested: is not a field of resources (limits, requests)",
                "spec.resources.limits.memory: \"lots\" is not a quantity (e.g. 20Gi, 500Mi, 1T)")),
        Arguments.of(
            named("docker.io", "upstream: docker.io"),
            List.of(
                "metadata.name: \"docker.io\" is not a DNS label (lowercase letters, digits and"
                    + " \"-\", starting and ending with a letter or digit) (Service"
                    + " registry-mirror-<name>-headless must be a DNS label of 63)")),
        Arguments.of(
            named("a-mirror-name-that-is-thirty-nine-chars", "upstream: docker.io"),
            List.of(
                "metadata.name: \"a-mirror-name-that-is-thirty-nine-chars\" is longer than 38"
                    + " characters (Service registry-mirror-<name>-headless must be a DNS label of"
                    + " 63)")),
        Arguments.of(
            tree(
                "{apiVersion: v1, kind: ConfigMap, metadata: {name: x}, spec: {upstream: docker.io}}"),
            List.of(
                "apiVersion: \"v1\" is not mirrorgate.dev/v1alpha1 or k8s.osp.tech/v1",
                "kind: \"ConfigMap\" is not RegistryMirror")),
        Arguments.of(
            tree(
                "{apiVersion: mirrorgate.dev/v1alpha1, kind: RegistryMirror, metadata: {name: x}}"),
            List.of("spec: required")),
        Arguments.of(
            tree(
                "{apiVersion: mirrorgate.dev/v1alpha1, kind: RegistryMirror, spec: {upstream: docker.io}}"),
            List.of("metadata.name: required")),
        Arguments.of(
            tree(
                "{apiVersion: k8s.osp.tech/v1, kind: RegistryMirror, metadata: {name: x}, spec: {upstream: docker.io}}"),
            List.of("spec.upstreamUrl: required")),
        Arguments.of(tree("[1, 2]"), List.of("RegistryMirror: must be an object, got a list")),
        Arguments.of(
            NullNode.getInstance(), List.of("RegistryMirror: must be an object, got null")));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void everyErrorIsReportedWithItsFieldPath(JsonNode cr, List<String> expected) {
    Parsed<RegistryMirrorSpec> parsed = parser.parse(cr);

    assertThat(parsed.isValid()).isFalse();
    assertThat(parsed.errors()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(parsed.errors().get(i)).startsWith(expected.get(i));
    }
  }

  @Test
  void theCredentialsSecretMustExistAndHoldBothKeys() throws Exception {
    RegistryMirrorSpec spec =
        parser.parse(mirror("hub", "upstream: docker.io\n  credentialsSecret: hub-creds")).get();

    assertThat(RegistryMirrorSpecParser.credentialsProblems(spec, "mirrorgate", null))
        .containsExactly("spec.credentialsSecret: Secret \"mirrorgate/hub-creds\" not found");
    assertThat(
            RegistryMirrorSpecParser.credentialsProblems(
                spec, "mirrorgate", tree("{data: {username: dXNlcg==}}")))
        .containsExactly(
            "spec.credentialsSecret: Secret \"mirrorgate/hub-creds\" has no key \"password\"");
    assertThat(
            RegistryMirrorSpecParser.credentialsProblems(
                spec, "mirrorgate", tree("{data: {username: \"\", password: \"!!\"}}")))
        .containsExactly(
            "spec.credentialsSecret: Secret \"mirrorgate/hub-creds\" key \"username\" is empty or"
                + " not base64",
            "spec.credentialsSecret: Secret \"mirrorgate/hub-creds\" key \"password\" is empty or"
                + " not base64");
    assertThat(
            RegistryMirrorSpecParser.credentialsProblems(
                spec, "mirrorgate", tree("{data: {username: dXNlcg==, password: cGFzcw==}}")))
        .isEmpty();
    RegistryMirrorSpec anonymous = parser.parse(mirror("hub", "upstream: docker.io")).get();
    assertThat(RegistryMirrorSpecParser.credentialsProblems(anonymous, "mirrorgate", null))
        .isEmpty();
  }

  @Property(tries = 300)
  void anyJsonGivesAResultNeverAnException(@ForAll("crs") JsonNode cr) {
    Parsed<RegistryMirrorSpec> parsed = parser.parse(cr);

    assertThat(parsed.isValid() || !parsed.errors().isEmpty()).isTrue();
  }

  @Provide
  Arbitrary<JsonNode> crs() {
    Arbitrary<String> values =
        Arbitraries.of(
            "docker.io", "", "Bad Host", "[::1]:5000", "0", "-1", "hostess", "a:b:c", "ö", "20Gi");
    Arbitrary<String> specs =
        Arbitraries.of(
                "upstream",
                "masquerade",
                "mode",
                "credentialsSecret",
                "replicas",
                "cacheTTL",
                "image",
                "volumeClaimTemplate",
                "tolerations",
                "resources",
                "nodeSelector",
                "upstreamUrl",
                "masqueradeUrl",
                "priorityClass",
                "priorityClassName")
            .list()
            .ofMaxSize(6)
            .flatMap(
                keys ->
                    Arbitraries.oneOf(
                            values.map(v -> "\"" + v + "\""),
                            Arbitraries.of(
                                "[]",
                                "{}",
                                "null",
                                "7",
                                "true",
                                "[{}]",
                                "{spec: 3}",
                                "{spec: {resources: []}}",
                                "[7]",
                                "{limits: 3}"))
                        .list()
                        .ofSize(keys.size())
                        .map(
                            vs -> {
                              StringBuilder s = new StringBuilder("{");
                              for (int i = 0; i < keys.size(); i++) {
                                s.append(keys.get(i)).append(": ").append(vs.get(i)).append(", ");
                              }
                              return s.append("}").toString();
                            }));
    return Arbitraries.of("mirrorgate.dev/v1alpha1", "k8s.osp.tech/v1", "v1")
        .flatMap(
            apiVersion ->
                specs.map(
                    spec ->
                        tree(
                            "{apiVersion: "
                                + apiVersion
                                + ", kind: RegistryMirror, metadata: {name: m}, spec: "
                                + spec
                                + "}")));
  }

  static JsonNode mirror(String name, String spec) {
    return tree(
        """
        apiVersion: mirrorgate.dev/v1alpha1
        kind: RegistryMirror
        metadata: {name: %s, uid: uid-%s, generation: 4}
        spec:
          %s
        """
            .formatted(name, name, spec));
  }

  static JsonNode named(String name, String spec) {
    return mirror(name, spec);
  }

  static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(yaml, e);
    }
  }
}
