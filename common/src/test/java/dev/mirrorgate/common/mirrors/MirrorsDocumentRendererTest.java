package dev.mirrorgate.common.mirrors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MirrorsDocumentRendererTest {

  private static final String PEM =
      "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n";

  private final MirrorsDocumentParser parser = new MirrorsDocumentParser();

  private static Mirror docker() {
    return new Mirror(
        "docker",
        "docker.io",
        URI.create("https://10.96.0.15:443"),
        Optional.of("mirror-docker.io"),
        Optional.of("10.96.0.15"),
        true,
        PEM);
  }

  private static Mirror localRegistry() {
    return new Mirror(
        "registry-apps-builds",
        "localhost:5000",
        URI.create("https://10.96.0.20:5000"),
        Optional.empty(),
        Optional.of("10.96.0.20"),
        false,
        PEM);
  }

  @Test
  void writesTheContractsShapeSortedByName() {
    String text =
        MirrorsDocumentRenderer.render(new MirrorsDocument(List.of(localRegistry(), docker())));

    assertThat(text)
        .isEqualTo(
            """
            mirrors:
              - name: docker
                upstream: docker.io
                endpoint: https://10.96.0.15:443
                masquerade: mirror-docker.io
                address: 10.96.0.15
                rewrite: true
                caBundle: |
                  -----BEGIN CERTIFICATE-----
                  MIIBkTCB+wIJAK
                  -----END CERTIFICATE-----
              - name: registry-apps-builds
                upstream: localhost:5000
                endpoint: https://10.96.0.20:5000
                address: 10.96.0.20
                rewrite: false
                caBundle: |
                  -----BEGIN CERTIFICATE-----
                  MIIBkTCB+wIJAK
                  -----END CERTIFICATE-----
            """);
  }

  @Test
  void anEmptyDocumentIsAnEmptyList() throws Exception {
    String text = MirrorsDocumentRenderer.render(MirrorsDocument.EMPTY);

    assertThat(text).isEqualTo("mirrors: []\n");
    assertThat(parser.parse(text)).isEqualTo(MirrorsDocument.EMPTY);
  }

  @Test
  void theOrderOfTheInputDoesNotChangeTheBytes() {
    List<Mirror> mirrors = new ArrayList<>(List.of(docker(), localRegistry()));
    String first = MirrorsDocumentRenderer.render(new MirrorsDocument(mirrors));
    Collections.reverse(mirrors);

    assertThat(MirrorsDocumentRenderer.render(new MirrorsDocument(mirrors))).isEqualTo(first);
  }

  @Test
  void readsBackTheDocumentItWrote() throws Exception {
    MirrorsDocument document = new MirrorsDocument(List.of(docker(), localRegistry()));

    assertThat(parser.parse(MirrorsDocumentRenderer.render(document)))
        .isEqualTo(new MirrorsDocument(List.of(docker(), localRegistry())));
  }

  @Property(tries = 300)
  void everyValidDocumentRoundTrips(@ForAll("documents") List<Mirror> mirrors) throws Exception {
    MirrorsDocument document = new MirrorsDocument(mirrors);
    List<Mirror> sorted =
        mirrors.stream().sorted(java.util.Comparator.comparing(Mirror::name)).toList();

    MirrorsDocument read = parser.parse(MirrorsDocumentRenderer.render(document));

    assertThat(read.mirrors()).isEqualTo(sorted);
  }

  @Provide
  Arbitrary<List<Mirror>> documents() {
    // Names and upstreams are unique within a document (the parser refuses duplicates); values
    // that look like YAML scalars of another type (true, 1.5, 0x10, null, 10:30) must stay strings.
    Arbitrary<String> label =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("abcdefxyz0123456789-")
                .ofMinLength(1)
                .ofMaxLength(12)
                .filter(s -> !s.startsWith("-") && !s.endsWith("-")),
            Arbitraries.of("true", "null", "yes", "no", "on", "off", "1", "0x10", "1e3", "y", "n"));
    Arbitrary<String> host =
        Arbitraries.oneOf(
            label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l)),
            Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(l -> String.join(".", l.stream().map(String::valueOf).toList())));
    Arbitrary<String> hostPort =
        Combinators.combine(host, Arbitraries.integers().between(0, 65535))
            .as((h, p) -> p == 0 ? h : h + ":" + p);
    Arbitrary<String> ip =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(l -> String.join(".", l.stream().map(String::valueOf).toList())),
            Arbitraries.of("fd00::1", "::1", "2001:db8::a:b"));
    Arbitrary<String> pem =
        Arbitraries.of(
            "",
            PEM,
            PEM + PEM,
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "# comment: x\n-----BEGIN CERTIFICATE-----\n  MIIB\n-----END CERTIFICATE-----\n\n");
    Arbitrary<Mirror> mirror =
        Combinators.combine(
                label,
                hostPort,
                ip,
                Arbitraries.integers().between(1, 65535),
                // a masquerade the parser takes: a DNS name, not an IP, not cluster-internal
                host.filter(h -> MasqueradeNames.problem(h, java.util.Set.of()).isEmpty())
                    .optional(),
                Arbitraries.of(true, false),
                pem)
            .as(
                (name, upstream, address, port, masquerade, rewrite, ca) ->
                    new Mirror(
                        name,
                        upstream,
                        URI.create(
                            "https://"
                                + (address.contains(":") ? "[" + address + "]" : address)
                                + ":"
                                + port),
                        masquerade,
                        Optional.of(address),
                        rewrite,
                        ca));
    return mirror.list().ofMaxSize(4).uniqueElements(Mirror::name).uniqueElements(Mirror::upstream);
  }
}
