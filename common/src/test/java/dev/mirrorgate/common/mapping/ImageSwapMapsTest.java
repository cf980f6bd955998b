package dev.mirrorgate.common.mapping;

import static dev.mirrorgate.common.mapping.RewriteFormat.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ImageSwap {@code maps} read into our model; see {@link ImageSwapMaps} for the mapping. */
class ImageSwapMapsTest {

  /** Close to ImageSwap's documented example (docs/configuration.md). */
  private static final String MAPS =
      """
      # ImageSwap maps
      default::harbor.example.com
      docker.io::
      docker.io/library::harbor.example.com/library
      quay.io::quay.example3.com
      gitlab.com::registry.example.com/gitlab
      #gcr.io:: # This is a comment
      cool.io::
      ghcr.io::my.example.com/mirror-
      registry.internal.twr.io::registry.example.com
      harbor.geo.pks.twr.io::harbor2.com ###### This is a comment with many symbols
      noswap_wildcards::twr.io, walrus.io
      [EXACT]ghcr.io/fantasy/coolstuff:v1.0::my-local-registry.com/patched-coolstuff:latest

      localhost:5000::m.local/local
      """;

  static Stream<Arguments> swaps() {
    return Stream.of(
        // docker.io/library:: applies to official images, docker.io:: disables the rest of Hub
        row(
            "nginx:latest",
            "-> harbor.example.com/library/nginx:latest [docker.io/library =>"
                + " harbor.example.com/library]"),
        row(
            "docker.io/library/nginx",
            "-> harbor.example.com/library/nginx [docker.io/library =>"
                + " harbor.example.com/library]"),
        row("tmobile/magtape:latest", "= SWAP_DISABLED"),
        // registry::target replaces the registry, path kept
        row("quay.io/foo/bar:1", "-> quay.example3.com/foo/bar:1 [quay.io => quay.example3.com]"),
        row(
            "gitlab.com/grp/app",
            "-> registry.example.com/gitlab/grp/app [gitlab.com => registry.example.com/gitlab]"),
        row("localhost:5000/app", "-> m.local/local/app [localhost:5000 => m.local/local]"),
        row("cool.io/x", "= SWAP_DISABLED"),
        // a target ending in "-" gets the registry host (no port) and the path appended
        row(
            "ghcr.io/org/app:1",
            "-> my.example.com/mirror-ghcr.io/org/app:1 [ghcr.io => my.example.com/mirror-]"),
        // [EXACT] before prefix rules; no tag is implied
        row(
            "ghcr.io/fantasy/coolstuff:v1.0",
            "-> my-local-registry.com/patched-coolstuff:latest [[EXACT]"
                + " ghcr.io/fantasy/coolstuff:v1.0 =>"
                + " my-local-registry.com/patched-coolstuff:latest]"),
        row(
            "ghcr.io/fantasy/coolstuff:v1.1",
            "-> my.example.com/mirror-ghcr.io/fantasy/coolstuff:v1.1 [ghcr.io =>"
                + " my.example.com/mirror-]"),
        // noswap_wildcards stop only the default; a registry rule still applies
        row("registry.twr.io/x", "= EXCLUDED"),
        row("walrus.io/x:1", "= EXCLUDED"),
        row("harbor.geo.pks.twr.io/x", "-> harbor2.com/x [harbor.geo.pks.twr.io => harbor2.com]"),
        row(
            "registry.internal.twr.io/x",
            "-> registry.example.com/x [registry.internal.twr.io => registry.example.com]"),
        // default: registry host dropped, path kept
        row(
            "gcr.io/proj/img:2",
            "-> harbor.example.com/proj/img:2 [default => harbor.example.com]"),
        row("localhost:5001/app", "-> harbor.example.com/app [default => harbor.example.com]"),
        row(
            "[::1]:5000/x@sha256:" + "a".repeat(64),
            "-> harbor.example.com/x@sha256:"
                + "a".repeat(64)
                + " [default => harbor.example.com]"),
        // reinvocation: everything already swapped stays
        row("harbor.example.com/proj/img:2", "= ALREADY_MIRRORED"),
        row("quay.example3.com/foo/bar:1", "= ALREADY_MIRRORED"),
        row("my.example.com/mirror-ghcr.io/org/app:1", "= ALREADY_MIRRORED"),
        row("my-local-registry.com/patched-coolstuff:latest", "= ALREADY_MIRRORED"),
        row("Bad/Image", "! repository name must be lowercase"));
  }

  private static Arguments row(String image, String expected) {
    return Arguments.of(image, expected);
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource
  void swaps(String image, String expected) throws Exception {
    Mapping mapping = MappingParser.parseImageSwapMaps("maps", MAPS);

    Rewrite rewrite = mapping.rewrite(image);

    assertThat(format(rewrite)).isEqualTo(expected);
    if (rewrite instanceof Rewrite.Rewritten rewritten) {
      assertThat(format(mapping.rewrite(rewritten.image()))).startsWith("= ");
    }
  }

  @Test
  void exposesTheRulesOfEachKind() throws Exception {
    Mapping mapping = MappingParser.parseImageSwapMaps("maps", MAPS);

    assertThat(mapping.rules())
        .contains(new MirrorRule("docker.io/library", "harbor.example.com/library"));
    assertThat(mapping.disabledSources()).containsExactly("docker.io", "cool.io");
    assertThat(mapping.defaultRule())
        .contains(new DefaultRule("harbor.example.com", List.of("twr.io", "walrus.io")));
    assertThat(mapping.exactRules()).hasSize(1);
    assertThat(mapping.excludes()).isEmpty();
  }

  @Test
  void emptyDefaultSwapsOnlyTheListedRegistries() throws Exception {
    Mapping mapping =
        MappingParser.parseImageSwapMaps(
            "maps", "default::\ngcr.io::harbor.internal.example.com\n");

    assertThat(format(mapping.rewrite("gcr.io/a/b")))
        .isEqualTo("-> harbor.internal.example.com/a/b [gcr.io => harbor.internal.example.com]");
    assertThat(format(mapping.rewrite("quay.io/a/b"))).isEqualTo("= NO_RULE");
  }

  @Test
  void acceptsTheDeprecatedSingleColonSeparator() throws Exception {
    Mapping mapping =
        MappingParser.parseImageSwapMaps("maps", "default:harbor.example.com\ngcr.io:\n");

    assertThat(format(mapping.rewrite("quay.io/a")))
        .isEqualTo("-> harbor.example.com/a [default => harbor.example.com]");
    assertThat(format(mapping.rewrite("gcr.io/a"))).isEqualTo("= SWAP_DISABLED");
  }

  @Test
  void ipv6HostsKeepTheirDoubleColons() throws Exception {
    Mapping mapping =
        MappingParser.parseImageSwapMaps("maps", "default::\n[fc00::1]:5000::[::1]:5000/m\n");

    assertThat(format(mapping.rewrite("[fc00::1]:5000/a")))
        .isEqualTo("-> [::1]:5000/m/a [[fc00::1]:5000 => [::1]:5000/m]");
  }

  @Test
  void aHostThatCannotBeAppendedKeepsTheImage() throws Exception {
    Mapping mapping = MappingParser.parseImageSwapMaps("maps", "default::m.local/mirror-\n");

    assertThat(format(mapping.rewrite("[::1]:5000/x"))).isEqualTo("= REWRITE_INVALID");
    assertThat(format(mapping.rewrite("Quay.IO:443/x")))
        .isEqualTo("-> m.local/mirror-quay.io/x [default => m.local/mirror-]");
    assertThat(format(mapping.rewrite("nginx")))
        .isEqualTo("-> m.local/mirror-docker.io/library/nginx [default => m.local/mirror-]");
  }

  @Test
  void reportsEveryErrorWithItsLine() {
    MappingException e =
        catchThrowableOfType(
            MappingException.class,
            () ->
                MappingParser.parseImageSwapMaps(
                    "maps",
                    """
                    # comment
                    docker.io::m.local/hub
                    index.docker.io::m.local/other
                    quay.io:m.local:5000/q
                    gcr.io
                    [REPLACE]ghcr.io/public*::x.io
                    Bad_Host::x.io
                    ghcr.io::bad host
                    [EXACT]foo/Bar::x.io/y
                    [EXACT]foo/bar::
                    ::x.io
                    a.io::b.io::c.io
                    m.local/hub/team::
                    """));

    assertThat(e.errors())
        .containsExactly(
            "maps: line 3: \"index.docker.io\" is already mapped on line 2",
            "maps: line 4: use \"::\" between key and value (a port needs it), got"
                + " \"quay.io:m.local:5000/q\"",
            "maps: line 5: expected \"key::value\", got \"gcr.io\"",
            "maps: line 6: [REPLACE] rules are not supported (use a registry rule or [EXACT])",
            "maps: line 7: key: \"Bad_Host\" is not a registry host",
            "maps: line 8: target: \"badhost\" is not a registry host (a host contains \".\" or"
                + " \":\", or is localhost; for Docker Hub write docker.io/library/badhost)",
            "maps: line 9: [EXACT] source: invalid image reference \"foo/Bar\": repository name"
                + " must be lowercase",
            "maps: line 10: [EXACT] needs a target image after \"::\"",
            "maps: line 11: missing key before \"::\"",
            "maps: line 12: more than one \"::\" in \"a.io::b.io::c.io\"",
            "maps: line 13: \"m.local/hub/team\" is under the target \"m.local/hub\" of line 2, so"
                + " the rule would never apply",
            "maps: no \"default\" line (ImageSwap requires one; write \"default::\" to swap only"
                + " the registries listed)");
  }

  /** Sources × targets used to be compared pairwise: 40,000 lines took 92 s. */
  @Test
  void tenThousandLinesParseInLinearTimeAndOneMoreIsRefused() throws Exception {
    StringBuilder maps = new StringBuilder("default::\n");
    for (int i = 1; i < MappingParser.MAX_ENTRIES; i++) {
      maps.append("s").append(i).append(".io/a::t").append(i).append(".io\n");
    }
    long start = System.nanoTime();
    assertThat(MappingParser.parseImageSwapMaps("maps", maps.toString()).rules()).hasSize(9_999);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(5));
    maps.append("x.io::y.io\n");
    MappingException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            MappingException.class,
            () -> MappingParser.parseImageSwapMaps("maps", maps.toString()));
    assertThat(e.errors())
        .containsExactly("maps: line 10001: more than 10000 rules; a mapping holds fewer");
  }
}
