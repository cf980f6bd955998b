package dev.mirrorgate.common.mapping;

import static dev.mirrorgate.common.mapping.RewriteFormat.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MappingParserTest {

  @Test
  void readsAValidDocumentAndNormalizesPrefixes() throws Exception {
    Mapping mapping =
        MappingParser.parseYaml(
            "mapping.yaml",
            """
            mirrors:
              - source: index.docker.io        # legacy name of Docker Hub
                target: m.local:5000/dockerhub
              - source: docker.io/nginx         # the official nginx image
                target: m.local:5000/nginx
              - source: docker.io/library
                target: m.local:5000/official
              - source: ghcr.io/acme
                target: localhost:5000/acme
              - source: "[::1]:5000"
                target: m.local/v6
            exclude:
              - quay.io/private
              - index.docker.io/library/busybox
              - quay.io/private
            """);

    assertThat(mapping.rules())
        .containsExactly(
            new MirrorRule("docker.io", "m.local:5000/dockerhub"),
            new MirrorRule("docker.io/library/nginx", "m.local:5000/nginx"),
            new MirrorRule("docker.io/library", "m.local:5000/official"),
            new MirrorRule("ghcr.io/acme", "localhost:5000/acme"),
            new MirrorRule("[::1]:5000", "m.local/v6"));
    assertThat(mapping.excludes()).containsExactly("quay.io/private", "docker.io/library/busybox");
    assertThat(format(mapping.rewrite("nginx:1")))
        .isEqualTo("-> m.local:5000/nginx:1 [docker.io/library/nginx => m.local:5000/nginx]");
    assertThat(format(mapping.rewrite("redis")))
        .isEqualTo("-> m.local:5000/official/redis [docker.io/library => m.local:5000/official]");
    assertThat(format(mapping.rewrite("busybox"))).isEqualTo("= EXCLUDED");
  }

  @Test
  void anExplicitlyEmptyListIsTheMappingThatRewritesNothing() throws Exception {
    for (String yaml : new String[] {"mirrors: []\nexclude: []\n", "mirrors:\n", "mirrors: []"}) {
      Mapping mapping = MappingParser.parseYaml("mapping.yaml", yaml);
      assertThat(mapping.rules()).as(yaml).isEmpty();
      assertThat(mapping.excludes()).as(yaml).isEmpty();
    }
  }

  /** A truncate-then-write caught in the middle reads as an empty file: never a valid mapping. */
  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "   \n\n", "# nothing\n", "~\n", "null"})
  void anEmptyDocumentIsAnError(String yaml) {
    MappingException e =
        catchThrowableOfType(
            MappingException.class, () -> MappingParser.parseYaml("mapping.yaml", yaml));
    assertThat(e.errors())
        .containsExactly(
            "mapping.yaml: the document is empty (a truncated file?); write \"mirrors: []\" for"
                + " a mapping that rewrites nothing");
  }

  @Test
  void aDocumentOverOneMebibyteIsRefusedUnparsed() throws Exception {
    String header = "mirrors: []\n#";
    String atLimit = header + "x".repeat(MappingParser.MAX_DOCUMENT_CHARS - header.length());
    assertThat(MappingParser.parseYaml("m.yaml", atLimit).rules()).isEmpty();
    MappingException e =
        catchThrowableOfType(
            MappingException.class, () -> MappingParser.parseYaml("m.yaml", atLimit + "x"));
    assertThat(e.errors())
        .containsExactly(
            "m.yaml: 1048577 characters; a mapping document holds at most 1048576 (1 MiB, what a"
                + " ConfigMap holds)");
  }

  @Test
  void atMostTenThousandRules() throws Exception {
    StringBuilder yaml = new StringBuilder("mirrors:\n");
    for (int i = 0; i < MappingParser.MAX_ENTRIES; i++) {
      yaml.append("- {source: s").append(i).append(".io, target: t").append(i).append(".io}\n");
    }
    assertThat(MappingParser.parseYaml("m.yaml", yaml.toString()).rules()).hasSize(10_000);
    yaml.append("exclude: [x.io]\n");
    MappingException e =
        catchThrowableOfType(
            MappingException.class, () -> MappingParser.parseYaml("m.yaml", yaml.toString()));
    assertThat(e.errors())
        .containsExactly("m.yaml: 10001 mirrors and excludes; a mapping holds at most 10000");
  }

  /**
   * Checking that no source lies under a target used to compare every pair: 40,000 rules on one
   * flow-style line took 17 s. Now it is one lookup per path prefix; generous bound for slow CI.
   */
  @Test
  void manyRulesOnOneLineParseInLinearTime() throws Exception {
    StringBuilder yaml = new StringBuilder("mirrors: [");
    for (int i = 0; i < MappingParser.MAX_ENTRIES; i++) {
      yaml.append(i == 0 ? "" : ",").append("{source: s").append(i).append(".io/a/b");
      yaml.append(", target: t").append(i).append(".io}");
    }
    yaml.append("]\n");
    long start = System.nanoTime();
    assertThat(MappingParser.parseYaml("m.yaml", yaml.toString()).rules()).hasSize(10_000);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(5));
  }

  @Test
  void aSourceUnderSeveralTargetsIsReportedOncePerTargetInRuleOrder() {
    MappingException e =
        catchThrowableOfType(
            MappingException.class,
            () ->
                MappingParser.parseYaml(
                    "m.yaml",
                    """
                    mirrors:
                      - {source: m.local/hub/x/y, target: other.io}
                      - {source: a.io, target: m.local/hub/x}
                      - {source: b.io, target: m.local/hub}
                    """));
    assertThat(e.errors())
        .containsExactly(
            "m.yaml: mirrors[0].source: \"m.local/hub/x/y\" is under the target \"m.local/hub/x\""
                + " of mirrors[1], so the rule would never apply",
            "m.yaml: mirrors[0].source: \"m.local/hub/x/y\" is under the target \"m.local/hub\""
                + " of mirrors[2], so the rule would never apply");
  }

  @Test
  void reportsEveryErrorOfABrokenDocumentWithItsLocation() {
    MappingException e =
        catchThrowableOfType(
            MappingException.class,
            () ->
                MappingParser.parseYaml(
                    "mapping.yaml",
                    """
                    mirrors:
                      - source: docker.io
                        target: m.local:5000/dockerhub
                      - source: nginx
                        target: m.local/x
                      - source: quay.io
                        target: Bad Host
                      - source: index.docker.io
                        target: m.local/y
                      - target: m.local/z
                      - source: ghcr.io
                        target: m.local/Upper
                        extra: 1
                      - just a string
                      - source: 42
                        target: m.local/q:tag
                      - source: m.local:5000/dockerhub/team
                        target: m.local/team
                    exclude:
                      - quay.io/private
                      - nope
                      - [a]
                    mirrorz: []
                    """));

    assertThat(e.errors())
        .containsExactly(
            "mapping.yaml: unknown key \"mirrorz\" (allowed: mirrors, exclude)",
            "mapping.yaml: mirrors[1].source: \"nginx\" is not a registry host (a host contains"
                + " \".\" or \":\", or is localhost; for Docker Hub write docker.io/library/nginx)",
            "mapping.yaml: mirrors[2].target: \"Bad Host\" is not a registry host",
            "mapping.yaml: mirrors[3].source: \"docker.io\" is already the source of mirrors[0]",
            "mapping.yaml: mirrors[4].source: missing",
            "mapping.yaml: mirrors[5]: unknown key \"extra\" (allowed: source, target)",
            "mapping.yaml: mirrors[5].target: path \"Upper\": repository name must be lowercase",
            "mapping.yaml: mirrors[6]: must be a mapping with source and target, got a string",
            "mapping.yaml: mirrors[7].source: must be a string, got a number",
            "mapping.yaml: mirrors[7].target: \"m.local/q:tag\" must not have a tag or digest",
            "mapping.yaml: mirrors[8].source: \"m.local:5000/dockerhub/team\" is under the target"
                + " \"m.local:5000/dockerhub\" of mirrors[0], so the rule would never apply",
            "mapping.yaml: exclude[1]: \"nope\" is not a registry host (a host contains \".\" or"
                + " \":\", or is localhost; for Docker Hub write docker.io/library/nope)",
            "mapping.yaml: exclude[2]: must be a string, got a list");
    assertThat(e.getMessage()).isEqualTo(String.join("; ", e.errors()));
  }

  static Stream<Arguments> documentErrors() {
    return Stream.of(
        Arguments.of("mirrors: [\n  - a\n", "mapping.yaml: line 2, column 3: invalid YAML: "),
        Arguments.of("mirrors: []\nmirrors: []\n", "mapping.yaml: line 2, column "),
        Arguments.of("mirrors:\n\tsource: x\n", "mapping.yaml: line 2, column "),
        Arguments.of(
            "- docker.io\n",
            "mapping.yaml: expected a mapping with keys \"mirrors\" and \"exclude\", got a list"),
        Arguments.of("mirrors: docker.io\n", "mapping.yaml: mirrors: must be a list, got a string"),
        Arguments.of("exclude: {a: b}\n", "mapping.yaml: exclude: must be a list, got a mapping"),
        Arguments.of(
            "mirrors: [{source: docker.io, target: docker.io/mirror/x}, {source: quay.io, target:"
                + " docker.io}]\n",
            "mapping.yaml: mirrors[0].source: \"docker.io\" is under the target \"docker.io\" of"
                + " mirrors[1], so the rule would never apply"),
        Arguments.of(
            "mirrors: [{source: docker.io, target: docker.io}]\n",
            "mapping.yaml: mirrors[0].source: \"docker.io\" is under the target \"docker.io\" of"
                + " mirrors[0]"),
        Arguments.of(
            "mirrors: [{source: quay.io, target: m.local/" + "a".repeat(260) + "}]\n",
            "mapping.yaml: mirrors[0].target: name exceeds 255 characters"),
        Arguments.of(
            "mirrors: [{source: quay.io, target: \"m.local@sha256:abc\"}]\n",
            "must not have a tag or digest"),
        Arguments.of(
            "mirrors: [{source: Quay.io, target: m.local}]\n",
            "mapping.yaml: mirrors[0].source: \"Quay.io\" is not a registry host: write hosts in"
                + " lowercase"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource
  void documentErrors(String yaml, String error) {
    MappingException e =
        catchThrowableOfType(
            MappingException.class, () -> MappingParser.parseYaml("mapping.yaml", yaml));

    assertThat(e).as(yaml).isNotNull();
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0)).contains(error);
  }

  @Test
  void configMapDataPrefersMappingYamlThenMaps() throws Exception {
    Mapping fromYaml =
        MappingParser.fromConfigMapData(
            "mirrorgate/mirrorgate-mapping",
            Map.of(
                "mapping.yaml", "mirrors: [{source: docker.io, target: m.local/hub}]",
                "maps", "default::other.local"));
    Mapping fromMaps =
        MappingParser.fromConfigMapData(
            "mirrorgate/mirrorgate-mapping", Map.of("maps", "default::other.local"));

    assertThat(fromYaml.rules()).containsExactly(new MirrorRule("docker.io", "m.local/hub"));
    assertThat(fromMaps.defaultRule()).contains(new DefaultRule("other.local", List.of()));
  }

  @Test
  void configMapErrorsNameTheKey() {
    MappingException yaml =
        catchThrowableOfType(
            MappingException.class,
            () -> MappingParser.fromConfigMapData("ns/cm", Map.of("mapping.yaml", "mirrors: 1")));
    MappingException maps =
        catchThrowableOfType(
            MappingException.class,
            () -> MappingParser.fromConfigMapData("ns/cm", Map.of("maps", "default")));
    MappingException neither =
        catchThrowableOfType(
            MappingException.class,
            () -> MappingParser.fromConfigMapData("ns/cm", Map.of("mapping.yml", "")));

    assertThat(yaml.errors())
        .containsExactly("ns/cm/mapping.yaml: mirrors: must be a list, got a number");
    assertThat(maps.errors().get(0)).startsWith("ns/cm/maps: line 1: ");
    assertThat(neither.errors())
        .containsExactly(
            "ns/cm: has neither key \"mapping.yaml\" nor key \"maps\" (keys: mapping.yml)");
    assertThat(
            catchThrowableOfType(
                    MappingException.class, () -> MappingParser.fromConfigMapData("ns/cm", null))
                .errors())
        .containsExactly("ns/cm: has neither key \"mapping.yaml\" nor key \"maps\" (no keys)");
  }
}
