package dev.mirrorgate.common.mapping;

import static dev.mirrorgate.common.mapping.RewriteFormat.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.common.image.ImageReference;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MappingTest {
  private static final String SHA = "sha256:" + "0123456789abcdef".repeat(4);

  private static final String MIRRORS =
      """
      mirrors:
        - source: docker.io
          target: m.local:5000/dockerhub
        - source: docker.io/library/redis
          target: m.local:5000/redis-special
        - source: ghcr.io/acme
          target: localhost:5000/acme
        - source: quay.io
          target: m.local:5000/quay
        - source: quay.io:443
          target: m.local:5000/quay443
        - source: index.docker.io/bitnami/redis
          target: m.local:5000/bitnami-redis
        - source: registry.k8s.io
          target: docker.io/k8s
        - source: "[::1]:5000"
          target: m.local:5000/v6
      exclude:
        - quay.io/private
        - m.local:5000/dockerhub/library/pinned
      """;

  static Stream<Arguments> rewrites() {
    return Stream.of(
        // the ARCHITECTURE example; docker.io images get library/; no :latest added
        row(
            "nginx:1.25",
            "-> m.local:5000/dockerhub/library/nginx:1.25 [docker.io => m.local:5000/dockerhub]"),
        row(
            "nginx",
            "-> m.local:5000/dockerhub/library/nginx [docker.io => m.local:5000/dockerhub]"),
        row(
            "docker.io/nginx",
            "-> m.local:5000/dockerhub/library/nginx [docker.io => m.local:5000/dockerhub]"),
        row(
            "index.docker.io/library/nginx:1",
            "-> m.local:5000/dockerhub/library/nginx:1 [docker.io => m.local:5000/dockerhub]"),
        row(
            "bitnami/nginx",
            "-> m.local:5000/dockerhub/bitnami/nginx [docker.io => m.local:5000/dockerhub]"),
        // tag and digest kept exactly as written
        row(
            "nginx@" + SHA,
            "-> m.local:5000/dockerhub/library/nginx@"
                + SHA
                + " [docker.io => m.local:5000/dockerhub]"),
        row(
            "nginx:1.25@" + SHA,
            "-> m.local:5000/dockerhub/library/nginx:1.25@"
                + SHA
                + " [docker.io => m.local:5000/dockerhub]"),
        row(
            "nginx:Latest_1",
            "-> m.local:5000/dockerhub/library/nginx:Latest_1 [docker.io =>"
                + " m.local:5000/dockerhub]"),
        // the longest source wins, and a source matches only at a component boundary
        row(
            "redis:7",
            "-> m.local:5000/redis-special:7 [docker.io/library/redis =>"
                + " m.local:5000/redis-special]"),
        row(
            "redis/sub",
            "-> m.local:5000/dockerhub/redis/sub [docker.io => m.local:5000/dockerhub]"),
        row(
            "docker.io/library/redis/sub:1",
            "-> m.local:5000/redis-special/sub:1 [docker.io/library/redis =>"
                + " m.local:5000/redis-special]"),
        row(
            "redis-stack",
            "-> m.local:5000/dockerhub/library/redis-stack [docker.io => m.local:5000/dockerhub]"),
        row(
            "bitnami/redis:7",
            "-> m.local:5000/bitnami-redis:7 [docker.io/bitnami/redis =>"
                + " m.local:5000/bitnami-redis]"),
        row(
            "ghcr.io/acme/app:v1",
            "-> localhost:5000/acme/app:v1 [ghcr.io/acme => localhost:5000/acme]"),
        row("ghcr.io/acme", "-> localhost:5000/acme [ghcr.io/acme => localhost:5000/acme]"),
        row("ghcr.io/acmecorp/app", "= NO_RULE"),
        row("ghcr.io/other/app", "= NO_RULE"),
        // hosts compare with their port
        row("quay.io/foo/bar:1", "-> m.local:5000/quay/foo/bar:1 [quay.io => m.local:5000/quay]"),
        row(
            "quay.io:443/foo/bar",
            "-> m.local:5000/quay443/foo/bar [quay.io:443 => m.local:5000/quay443]"),
        row("quay.io:8443/foo/bar", "= NO_RULE"),
        row("[::1]:5000/foo", "-> m.local:5000/v6/foo [[::1]:5000 => m.local:5000/v6]"),
        row("[::1]/foo", "= NO_RULE"),
        // excludes, at a component boundary, before anything else
        row("quay.io/private/x:1", "= EXCLUDED"),
        row("quay.io/private", "= EXCLUDED"),
        row(
            "quay.io/privateer/x",
            "-> m.local:5000/quay/privateer/x [quay.io => m.local:5000/quay]"),
        row("m.local:5000/dockerhub/library/pinned:1", "= EXCLUDED"),
        // already under a target: kept (idempotent under reinvocation)
        row("m.local:5000/dockerhub/library/nginx:1.25", "= ALREADY_MIRRORED"),
        row("localhost:5000/acme/app", "= ALREADY_MIRRORED"),
        row("m.local:5000/redis-special:7", "= ALREADY_MIRRORED"),
        row("m.local:5000/dockerhubx/a", "= NO_RULE"),
        row("m.local:5000/other", "= NO_RULE"),
        // a host-only docker.io target keeps Docker Hub's two components
        row(
            "registry.k8s.io/pause:3.9",
            "-> docker.io/library/k8s/pause:3.9 [registry.k8s.io => docker.io/library/k8s]"),
        row("docker.io/library/k8s/pause:3.9", "= ALREADY_MIRRORED"),
        row("k8s:1", "= ALREADY_MIRRORED"),
        // other registries and invalid references
        row("gcr.io/proj/img", "= NO_RULE"),
        row("Foo/bar", "= NO_RULE"),
        row("foo/Bar", "! repository name must be lowercase"),
        row("", "! reference is empty"),
        row("nginx:", "! tag \"\" is invalid: empty"),
        // the rewritten name would exceed 255 characters: kept
        row("ghcr.io/acme/" + "a".repeat(240), "= REWRITE_TOO_LONG"),
        row(
            "ghcr.io/acme/" + "a".repeat(235),
            "-> localhost:5000/acme/"
                + "a".repeat(235)
                + " [ghcr.io/acme => localhost:5000/acme]"));
  }

  private static Arguments row(String image, String expected) {
    return Arguments.of(image, expected);
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource
  void rewrites(String image, String expected) throws Exception {
    Mapping mapping = MappingParser.parseYaml("mapping.yaml", MIRRORS);

    Rewrite rewrite = mapping.rewrite(image);

    assertThat(format(rewrite)).isEqualTo(expected);
    if (rewrite instanceof Rewrite.Rewritten rewritten) {
      assertThat(rewritten.original()).isEqualTo(ImageReference.parse(image));
      assertThat(ImageReference.parse(rewritten.image()).qualified()).isEqualTo(rewritten.image());
      assertThat(format(mapping.rewrite(rewritten.image()))).startsWith("= ");
    }
    if (rewrite instanceof Rewrite.Unchanged unchanged) {
      assertThat(unchanged.original()).isEqualTo(ImageReference.parse(image));
    }
    if (rewrite instanceof Rewrite.Invalid invalid) {
      assertThat(invalid.image()).isEqualTo(image);
    }
  }

  @Test
  void aHostOnlyDockerHubTargetKeepsTwoComponents() throws Exception {
    Mapping mapping =
        MappingParser.parseYaml("m", "mirrors: [{source: registry.k8s.io, target: docker.io}]");

    assertThat(format(mapping.rewrite("registry.k8s.io/pause:3.9")))
        .isEqualTo("-> docker.io/library/pause:3.9 [registry.k8s.io => docker.io]");
    assertThat(format(mapping.rewrite("registry.k8s.io/a/b")))
        .isEqualTo("-> docker.io/a/b [registry.k8s.io => docker.io]");
    assertThat(format(mapping.rewrite("docker.io/library/pause:3.9")))
        .isEqualTo("= ALREADY_MIRRORED");
  }

  @Test
  void anImageEqualToItsSourceCannotMoveToABareHost() throws Exception {
    Mapping mapping =
        MappingParser.parseYaml("m", "mirrors: [{source: ghcr.io/acme, target: localhost:5000}]");

    assertThat(format(mapping.rewrite("ghcr.io/acme:1"))).isEqualTo("= REWRITE_INVALID");
    assertThat(format(mapping.rewrite("ghcr.io/acme/app:1")))
        .isEqualTo("-> localhost:5000/app:1 [ghcr.io/acme => localhost:5000]");
  }

  @Test
  void rewriteOfAParsedReferenceEqualsRewriteOfItsText() throws Exception {
    Mapping mapping = MappingParser.parseYaml("mapping.yaml", MIRRORS);
    ImageReference nginx = ImageReference.parse("nginx:1.25");

    assertThat(mapping.rewrite(nginx)).isEqualTo(mapping.rewrite("nginx:1.25"));
  }

  @Test
  void mirrorRulesJoinTheUserRulesAndTheUserWinsAnEqualSource() throws Exception {
    Mapping user =
        MappingParser.parseYaml(
            "mapping.yaml",
            "mirrors: [{source: docker.io, target: m.local:5000/hub}]\nexclude: [quay.io/private]");
    Mapping merged =
        user.withRules(
            List.of(
                new MirrorRule("docker.io", "10.96.0.15"),
                new MirrorRule("quay.io", "10.96.0.16"),
                new MirrorRule("ghcr.io:443", "10.96.0.17:5000")));

    assertThat(format(merged.rewrite("nginx:1.25")))
        .as("the user's rule wins docker.io")
        .isEqualTo("-> m.local:5000/hub/library/nginx:1.25 [docker.io => m.local:5000/hub]");
    assertThat(format(merged.rewrite("quay.io/coreos/etcd:v3")))
        .isEqualTo("-> 10.96.0.16/coreos/etcd:v3 [quay.io => 10.96.0.16]");
    assertThat(format(merged.rewrite("quay.io/private/app:1"))).isEqualTo("= EXCLUDED");
    assertThat(format(merged.rewrite("10.96.0.16/coreos/etcd:v3")))
        .as("idempotent: an image already under a mirror stays")
        .isEqualTo("= ALREADY_MIRRORED");
    assertThat(format(merged.rewrite("ghcr.io:443/acme/app:2")))
        .isEqualTo("-> 10.96.0.17:5000/acme/app:2 [ghcr.io:443 => 10.96.0.17:5000]");
    assertThat(user.withRules(List.of())).isSameAs(user);
  }

  @Test
  void emptyMappingKeepsEverything() {
    assertThat(format(Mapping.empty().rewrite("nginx"))).isEqualTo("= NO_RULE");
    assertThat(format(Mapping.empty().rewrite("Bad Image"))).startsWith("! ");
    assertThat(Mapping.empty().rules()).isEmpty();
    assertThat(Mapping.empty().excludes()).isEmpty();
  }

  @Test
  void rewriteOfNullIsInvalid() {
    assertThat(format(Mapping.empty().rewrite((String) null))).isEqualTo("! reference is empty");
  }

  @Test
  void rulesInCodeAreNormalizedAndValidated() {
    Mapping mapping =
        new Mapping(
            List.of(new MirrorRule("index.docker.io", "m.local:5000/dockerhub")),
            List.of("docker.io/library/busybox"));

    assertThat(mapping.rules())
        .containsExactly(new MirrorRule("docker.io", "m.local:5000/dockerhub"));
    assertThat(format(mapping.rewrite("busybox"))).isEqualTo("= EXCLUDED");
    assertThatThrownBy(() -> new Mapping(List.of(new MirrorRule("nginx", "m.local")), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"nginx\" is not a registry host");
  }

  @Test
  void describeNamesSourceAndTarget() {
    assertThat(new MirrorRule("docker.io", "m.local:5000/dockerhub").describe())
        .isEqualTo("docker.io => m.local:5000/dockerhub");
  }
}
