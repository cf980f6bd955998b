package dev.mirrorgate.common.mirrors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
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
