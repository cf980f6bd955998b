package dev.mirrorgate.common.mirrors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorsDocumentParserTest {

  private static final String PEM =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private final MirrorsDocumentParser parser = new MirrorsDocumentParser();

  @Test
  void readsTheArchitectureExample() throws Exception {
    String yaml =
        """
        mirrors:
          - name: docker
            upstream: docker.io
            endpoint: https://10.96.0.15:443
            masquerade: mirror-docker.io
            address: 10.96.0.15
            rewrite: true
            futureField: ignored
            caBundle: |
              -----BEGIN CERTIFICATE-----
              MIIB
              -----END CERTIFICATE-----
          - name: ghcr
            upstream: ghcr.io
            endpoint: http://ghcr-cache.mirrorgate.svc:5000
        """;

    MirrorsDocument doc = parser.parse(yaml);

    assertThat(doc.mirrors())
        .containsExactly(
            new Mirror(
                "docker",
                "docker.io",
                URI.create("https://10.96.0.15:443"),
                Optional.of("mirror-docker.io"),
                Optional.of("10.96.0.15"),
                true,
                PEM),
            new Mirror(
                "ghcr",
                "ghcr.io",
                URI.create("http://ghcr-cache.mirrorgate.svc:5000"),
                Optional.empty(),
                Optional.empty(),
                false,
                ""));
    assertThat(doc.mirrors().get(0).endpointAuthority()).isEqualTo("10.96.0.15");
    assertThat(doc.mirrors().get(0).masqueradeAuthority()).contains("mirror-docker.io");
    assertThat(doc.mirrors().get(1).endpointAuthority())
        .isEqualTo("ghcr-cache.mirrorgate.svc:5000");
  }

  @Test
  void emptyDocumentsHaveNoMirrors() throws Exception {
    assertThat(parser.parse("").mirrors()).isEmpty();
    assertThat(parser.parse("mirrors: []").mirrors()).isEmpty();
    assertThat(parser.parse("mirrors:").mirrors()).isEmpty();
  }

  static Stream<Arguments> invalidDocuments() {
    return Stream.of(
        Arguments.of("mirrors: [", List.of("mirrors.yaml: line 1: not valid YAML")),
        Arguments.of("- a", List.of("mirrors.yaml: the document must be a mapping")),
        Arguments.of("mirrors: 3", List.of("mirrors.yaml: mirrors: must be a list, got a number")),
        Arguments.of("mirrors: [x]", List.of("mirrors.yaml: mirrors[0]: must be a mapping")),
        Arguments.of(
            "mirrors: []\nother: {a: 1}\nmirrors: []",
            List.of("mirrors.yaml: mirrors: appears twice")),
        Arguments.of(
            "mirrors: [{}]",
            List.of(
                "mirrors.yaml: mirrors[0].name: required",
                "mirrors.yaml: mirrors[0].upstream: required",
                "mirrors.yaml: mirrors[0].endpoint: required")),
        Arguments.of(
            """
            mirrors:
              - {name: ok, upstream: docker.io, endpoint: "https://m:5000"}
              - name: Bad_Name
                upstream: "Bad Host"
                endpoint: ftp://x
                masquerade: "not a host"
                address: 10.0.0.300
                rewrite: "yes"
                caBundle: hello
            """,
            List.of(
                "mirrors.yaml: mirrors[1].name: \"Bad_Name\" is not a lowercase DNS name",
                "mirrors.yaml: mirrors[1].upstream: \"Bad Host\" is not a registry host[:port]",
                "mirrors.yaml: mirrors[1].endpoint: \"ftp://x\" must start with https:// or"
                    + " http://",
                "mirrors.yaml: mirrors[1].masquerade: \"not a host\" is not a host name",
                "mirrors.yaml: mirrors[1].address: \"10.0.0.300\" is not an IP address",
                "mirrors.yaml: mirrors[1].rewrite: must be true or false, got a string \"yes\"",
                "mirrors.yaml: mirrors[1].caBundle: is not a PEM certificate bundle")),
        Arguments.of(
            "mirrors: [{name: a, upstream: q.io, endpoint: https://m, masquerade: m.local}]",
            List.of("mirrors.yaml: mirrors[0].address: required when masquerade is set")),
        Arguments.of(
            "mirrors: [{name: a, upstream: q.io, endpoint: https://m/v2/}]",
            List.of(
                "mirrors.yaml: mirrors[0].endpoint: \"https://m/v2/\" must be scheme://host[:port]"
                    + " only")),
        Arguments.of(
            "mirrors: [{name: a, upstream: \"q.io:99999\", endpoint: https://m}]",
            List.of(
                "mirrors.yaml: mirrors[0].upstream: \"q.io:99999\" is not a registry host[:port]")),
        Arguments.of(
            """
            mirrors:
              - {name: a, upstream: q.io, endpoint: https://m1}
              - {name: a, upstream: q.io, endpoint: https://m2}
            """,
            List.of(
                "mirrors.yaml: mirrors[1].name: \"a\" is already used by mirrors[0]",
                "mirrors.yaml: mirrors[1].upstream: \"q.io\" is already served by mirrors[0]")));
  }

  @ParameterizedTest
  @MethodSource("invalidDocuments")
  void collectsEveryErrorWithItsLocation(String yaml, List<String> expectedPrefixes) {
    assertThatThrownBy(() -> parser.parse(yaml))
        .isInstanceOfSatisfying(
            InvalidMirrorsDocumentException.class,
            e -> {
              assertThat(e.errors()).hasSameSizeAs(expectedPrefixes);
              for (int i = 0; i < expectedPrefixes.size(); i++) {
                assertThat(e.errors().get(i)).startsWith(expectedPrefixes.get(i));
              }
            });
  }

  static Stream<Arguments> masquerades() {
    return Stream.of(
        Arguments.of("mirror-docker.io", null),
        Arguments.of("registry.mirrors.example", null),
        Arguments.of("svc-mirror.example.com", null),
        Arguments.of("worker-10", null), // not the node's name, only close to it
        Arguments.of("localhost", "is a loopback name of the node"),
        Arguments.of("LocalHost", "is a loopback name of the node"),
        Arguments.of("mirror.localhost", "is a loopback name of the node"),
        Arguments.of("localhost.localdomain", "is a loopback name of the node"),
        Arguments.of("ip6-localhost", "is a loopback name of the node"),
        Arguments.of("10.96.0.15", "is an IP address; a masquerade must be a DNS name"),
        Arguments.of("::1", "is an IP address; a masquerade must be a DNS name"),
        Arguments.of("127.1", "is read as an IP address by the node's resolver"),
        Arguments.of("2130706433", "is read as an IP address by the node's resolver"),
        Arguments.of("0x7f.0x1", "is read as an IP address by the node's resolver"),
        Arguments.of("kubernetes.default.svc", "is a cluster-internal name"),
        Arguments.of("kubernetes.default.svc.cluster.local", "is a cluster-internal name"),
        Arguments.of("registry.mirrorgate.svc.corp.example", "is a cluster-internal name"),
        Arguments.of("cluster.local", "is a cluster-internal name"),
        Arguments.of("worker-1", "is the name of this node (worker-1.nodes.example)"),
        Arguments.of("Worker-1.Nodes.Example", "is the name of this node"),
        Arguments.of("worker-1.nodes.example", "is the name of this node"),
        Arguments.of("bad_name", "is not a host name"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("masquerades")
  void aMasqueradeIsADnsNameTheNodeDoesNotNeedForAnythingElse(String name, String problem) {
    String yaml =
        "mirrors: [{name: a, upstream: q.io, endpoint: \"https://10.0.0.1\", masquerade: \""
            + name
            + "\", address: 10.0.0.1}]";
    MirrorsDocumentParser onNode = parser.forNode(Set.of("worker-1.nodes.example"));
    if (problem == null) {
      assertThatCode(() -> onNode.parse(yaml)).doesNotThrowAnyException();
      return;
    }
    assertThatThrownBy(() -> onNode.parse(yaml))
        .isInstanceOfSatisfying(
            InvalidMirrorsDocumentException.class,
            e ->
                assertThat(e.errors())
                    .singleElement(InstanceOfAssertFactories.STRING)
                    .startsWith("mirrors.yaml: mirrors[0].masquerade: \"" + name + "\" ")
                    .contains(problem));
  }

  @Test
  void withoutANodeTheNodesNameIsNotReserved() throws Exception {
    String yaml =
        "mirrors: [{name: a, upstream: q.io, endpoint: https://m, masquerade: worker-1,"
            + " address: 10.0.0.1}]";
    assertThat(parser.parse(yaml).mirrors()).hasSize(1);
    assertThatThrownBy(() -> parser.forNode(Set.of("worker-1")).parse(yaml))
        .isInstanceOf(InvalidMirrorsDocumentException.class);
  }

  static String mirrors(int n) {
    StringBuilder b = new StringBuilder("mirrors:\n");
    for (int i = 0; i < n; i++) {
      b.append("  - {name: m")
          .append(i)
          .append(", upstream: r")
          .append(i)
          .append(".io, endpoint: \"https://10.0.0.1:")
          .append(1000 + i)
          .append("\"}\n");
    }
    return b.toString();
  }

  @Test
  void aLimitOnTheNumberOfMirrorsIsHeldJustBelowAndRefusedJustAbove() throws Exception {
    MirrorsDocumentParser limited = parser.atMostMirrors(50);

    assertThat(limited.parse(mirrors(50)).mirrors()).hasSize(50);
    assertThatThrownBy(() -> limited.parse(mirrors(51)))
        .isInstanceOfSatisfying(
            InvalidMirrorsDocumentException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "mirrors.yaml: mirrors: 51 mirrors, more than the 50 this reader"
                            + " accepts"));
  }

  @Test
  void aLongListOfErrorsIsCutAndCounted() {
    String yaml = "mirrors: [" + "{name: X}, ".repeat(60) + "]";
    assertThatThrownBy(() -> parser.parse(yaml))
        .isInstanceOfSatisfying(
            InvalidMirrorsDocumentException.class,
            e -> {
              assertThat(e.errors()).hasSize(MirrorsDocumentParser.MAX_ERRORS + 1);
              assertThat(e.errors().getLast()).isEqualTo("... and 80 more errors");
            });
  }

  @Test
  void theDocumentIsReadAsAStream() throws Exception {
    assertThat(parser.parse(new java.io.StringReader(mirrors(3))).mirrors())
        .extracting(Mirror::name)
        .containsExactly("m0", "m1", "m2");
  }

  static Stream<Arguments> hosts() {
    return Stream.of(
        Arguments.of("docker.io", true),
        Arguments.of("localhost:5000", true),
        Arguments.of("10.0.0.1:443", true),
        Arguments.of("[::1]:5000", true),
        Arguments.of("[fd00::1]", true),
        Arguments.of("upstream.test:0", false),
        Arguments.of("-bad.io", false),
        Arguments.of("a..b", false),
        Arguments.of("[::1", false),
        Arguments.of("host:port", false));
  }

  @ParameterizedTest
  @MethodSource("hosts")
  void hostPortSyntax(String value, boolean valid) {
    assertThat(HostSyntax.isHostPort(value)).isEqualTo(valid);
  }
}
