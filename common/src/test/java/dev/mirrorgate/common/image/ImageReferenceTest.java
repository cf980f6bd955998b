package dev.mirrorgate.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests; vectors ported from distribution/reference (reference_test, normalize_test). */
class ImageReferenceTest {
  private static final String SHA = "sha256:" + "f".repeat(64);
  private static final String HEX64 =
      "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

  static Stream<Arguments> valid() {
    return Stream.of(
        // input, domain, path, tag, digest, normalized
        row("nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest"),
        row("nginx:1.25", "docker.io", "library/nginx", "1.25", null, null),
        row("test_com", "docker.io", "library/test_com", null, null, null),
        row("test.com:tag", "docker.io", "library/test.com", "tag", null, null),
        row("test.com:5000", "docker.io", "library/test.com", "5000", null, null),
        row("test.com/repo:tag", "test.com", "repo", "tag", null, null),
        row("test:5000/repo", "test:5000", "repo", null, null, null),
        row("test:5000/repo:tag", "test:5000", "repo", "tag", null, null),
        row("test:5000/repo@" + SHA, "test:5000", "repo", null, SHA, null),
        row("test:5000/repo:tag@" + SHA, "test:5000", "repo", "tag", SHA, null),
        row("lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", null, null),
        row("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", null, null, null),
        row(
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
            "sub-dom1.foo.com",
            "bar/baz/quux",
            "some-long-tag",
            null,
            null),
        row(
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "b.gcr.io",
            "test.example.com/my-app",
            "test.example.com",
            null,
            null),
        row("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", null, null),
        row(
            "xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + "f".repeat(128),
            "xn--7o8h.com",
            "myimage",
            "xn--7o8h.com",
            "sha512:" + "f".repeat(128),
            null),
        row("foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", null, null),
        row("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", null, null),
        row("192.168.1.1", "docker.io", "library/192.168.1.1", null, null, null),
        row("192.168.1.1:tag", "docker.io", "library/192.168.1.1", "tag", null, null),
        row("192.168.1.1/repo", "192.168.1.1", "repo", null, null, null),
        row("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", null, null),
        row("[2001:db8::1]/repo", "[2001:db8::1]", "repo", null, null, null),
        row("[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", null, null),
        row("[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo", null, null, null),
        row("[2001:db8::1]:5000/repo:tag@" + SHA, "[2001:db8::1]:5000", "repo", "tag", SHA, null),
        row("[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", null, null, null),
        row("[::1]:5000/repo", "[::1]:5000", "repo", null, null, null),
        row(
            "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
            "[fc00:1:2:3:4:5:6:7]:5000",
            "library/debian",
            null,
            null,
            null),
        // normalize_test
        row("docker/docker", "docker.io", "docker/docker", null, null, null),
        row("library/debian", "docker.io", "library/debian", null, null, null),
        row("docker.io/debian", "docker.io", "library/debian", null, null, null),
        row("index.docker.io/docker/docker", "docker.io", "docker/docker", null, null, null),
        row("index.docker.io/debian", "docker.io", "library/debian", null, null, null),
        row("127.0.0.1:5000/library/debian", "127.0.0.1:5000", "library/debian", null, null, null),
        row("192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", null, null),
        row("192.168.0.2:25000/debian", "192.168.0.2:25000", "debian", null, null, null),
        row(
            "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
            "docker.io",
            "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
            null,
            null,
            null),
        row("docker.io/" + HEX64, "docker.io", "library/" + HEX64, null, null, null),
        row("Docker/docker", "Docker", "docker", null, null, null),
        row("DOCKER/docker", "DOCKER", "docker", null, null, null),
        row("docker-rules/docker", "docker.io", "docker-rules/docker", null, null, null),
        row("docker---rules/docker", "docker.io", "docker---rules/docker", null, null, null),
        row("d/docker", "docker.io", "d/docker", null, null, null),
        row("jess/t", "docker.io", "jess/t", null, null, null),
        row("dock__er/docker", "docker.io", "dock__er/docker", null, null, null),
        row("test_com/foo", "docker.io", "test_com/foo", null, null, null),
        row("test-com:8080/foo", "test-com:8080", "foo", null, null, null),
        row("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", null, null, null),
        row("docker.io/library/foo/bar", "docker.io", "library/foo/bar", null, null, null),
        row("Foo/bar", "Foo", "bar", null, null, null),
        row(
            "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
            "docker.io",
            "library/busybox",
            "latest",
            "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
            null),
        row(
            "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
            "docker.io",
            "library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
            null,
            null,
            null),
        // ours
        row("localhost/foo", "localhost", "foo", null, null, null),
        row("localhost:5000/foo/bar:v1", "localhost:5000", "foo/bar", "v1", null, null),
        row("[::1]:5000/foo", "[::1]:5000", "foo", null, null, "[::1]:5000/foo:latest"),
        row("Foo.com/bar", "Foo.com", "bar", null, null, null),
        row(
            "nginx@" + SHA,
            "docker.io",
            "library/nginx",
            null,
            SHA,
            "docker.io/library/nginx@" + SHA),
        row("a/b__c.d---e_f/g:_x", "docker.io", "a/b__c.d---e_f/g", "_x", null, null),
        row("x:" + "t".repeat(128), "docker.io", "library/x", "t".repeat(128), null, null),
        row("ghcr.io/" + "a".repeat(255 - 8), "ghcr.io", "a".repeat(247), null, null, null));
  }

  private static Arguments row(
      String input, String domain, String path, String tag, String digest, String normalized) {
    if (normalized == null) {
      normalized =
          domain
              + "/"
              + path
              + (tag != null ? ":" + tag : "")
              + (digest != null ? "@" + digest : "")
              + (tag == null && digest == null ? ":latest" : "");
    }
    return Arguments.of(input, domain, path, tag, digest, normalized);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void valid(String input, String domain, String path, String tag, String digest, String normalized)
      throws Exception {
    ImageReference reference = ImageReference.parse(input);

    assertThat(reference).isEqualTo(new ImageReference(domain, path, tag, digest));
    assertThat(reference.name()).isEqualTo(domain + "/" + path);
    assertThat(reference.normalized()).isEqualTo(normalized);
    assertThat(reference.toString()).isEqualTo(normalized);
    assertThat(ImageReference.parse(normalized).normalized()).isEqualTo(normalized);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // input, expected reason substring
        Arguments.of("", "reference is empty"),
        Arguments.of(":justtag", "repository name is empty"),
        Arguments.of("@" + SHA, "repository name is empty"),
        Arguments.of("repo@sha256:" + "f".repeat(34), "sha256 needs 64 hex characters, found 34"),
        Arguments.of("validname@invaliddigest:" + "f".repeat(64), "unsupported digest algorithm"),
        Arguments.of("repo@sha256:" + "F".repeat(64), "hex must be lowercase"),
        Arguments.of("repo@sha256", "expected \"algorithm:hex\""),
        Arguments.of("repo@256:" + "f".repeat(64), "invalid algorithm \"256\""),
        Arguments.of("Uppercase:tag", "repository name must be lowercase"),
        Arguments.of("test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"),
        Arguments.of("foo/Bar", "repository name must be lowercase"),
        Arguments.of("docker/Docker", "repository name must be lowercase"),
        Arguments.of("docker.io/docker/Docker", "repository name must be lowercase"),
        Arguments.of("FOO_BAR/baz", "repository name must be lowercase"),
        Arguments.of("a/".repeat(128) + "a:tag", "name exceeds 255 characters"),
        Arguments.of("a/".repeat(127) + "a:tag-puts-this-over-max", "name exceeds 255 characters"),
        Arguments.of("ghcr.io/" + "a".repeat(248), "name exceeds 255 characters"),
        Arguments.of("aa/asdf$$^/aa", "invalid character '$'"),
        Arguments.of("[2001:db8::1]", "a domain must be followed by \"/\""),
        Arguments.of("[2001:db8::1]:5000", "a domain must be followed by \"/\""),
        Arguments.of("[2001:db8::1]:tag", "a domain must be followed by \"/\""),
        Arguments.of("[fe80::1%eth0]:5000/repo", "invalid domain \"[fe80::1%eth0]:5000\""),
        Arguments.of("[fe80::1%@invalidzone]:5000/repo", "is invalid"),
        Arguments.of("[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid domain"),
        Arguments.of("fc00::1:5000/debian", "invalid domain \"fc00::1:5000\""),
        Arguments.of("https://github.com/docker/docker", "invalid domain \"https:\""),
        Arguments.of("-docker", "must start with a lowercase letter or digit"),
        Arguments.of("-docker/docker", "must start with a lowercase letter or digit"),
        Arguments.of("-docker.io/docker/docker", "invalid domain \"-docker.io\""),
        Arguments.of("docker-/docker", "must not end with \"-\""),
        Arguments.of("-docker-/docker", "must start with a lowercase letter or digit"),
        Arguments.of("____/____", "must start with a lowercase letter or digit"),
        Arguments.of("_docker/_docker", "must start with a lowercase letter or digit"),
        // a first component with "." is a domain (as in Go), so these fail as domains
        Arguments.of("dock..er/docker", "invalid domain \"dock..er\": empty host component"),
        Arguments.of("dock_.er/docker", "invalid domain \"dock_.er\""),
        Arguments.of("dock-.er/docker", "invalid domain \"dock-.er\""),
        Arguments.of("docker.io/dock..er/docker", "invalid separator \"..\""),
        Arguments.of("docker.io/dock_.er/docker", "invalid separator \"_.\""),
        Arguments.of("docker.io/dock-.er/docker", "invalid separator \"-.\""),
        Arguments.of("dock___er/docker", "invalid separator \"___\""),
        Arguments.of("docker///docker", "must not contain \"//\""),
        Arguments.of("docker.io/docker///docker", "must not contain \"//\""),
        Arguments.of("docker/", "must not end with \"/\""),
        Arguments.of("/docker", "must not start with \"/\""),
        Arguments.of(
            String.join(
                    "_",
                    java.util.Collections.nCopies(
                        4, "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255"))
                + "/docker",
            "name exceeds 255 characters"),
        Arguments.of(HEX64, "cannot specify 64-byte hexadecimal strings"),
        Arguments.of("nginx:", "tag \"\" is invalid: empty"),
        Arguments.of("nginx:-x", "tag \"-x\" is invalid: must start with"),
        Arguments.of("nginx:a+b", "tag \"a+b\" is invalid: unexpected character '+'"),
        Arguments.of("x:" + "t".repeat(129), "longer than 128 characters"),
        Arguments.of("example.com:/foo", "empty port"),
        Arguments.of("example.com:80a/foo", "port must be digits"),
        Arguments.of("exa_mple.com/foo", "unexpected character '_'"),
        Arguments.of("example-.com/foo", "must not end with \"-\""),
        Arguments.of("example..com/foo", "empty host component"),
        Arguments.of(" nginx", "invalid character ' '"),
        Arguments.of("nginx ", "invalid character ' '"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void invalid(String input, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOfSatisfying(
            InvalidImageReferenceException.class,
            e -> {
              assertThat(e.reference()).isEqualTo(input);
              assertThat(e.reason()).contains(reason);
              assertThat(e.getMessage())
                  .isEqualTo("invalid image reference \"" + input + "\": " + e.reason());
            });
  }

  @Test
  void nullIsInvalid() {
    assertThatThrownBy(() -> ImageReference.parse(null))
        .isInstanceOf(InvalidImageReferenceException.class)
        .hasMessageContaining("reference is empty");
  }

  @Test
  void qualifiedNeverImpliesLatest() throws Exception {
    assertThat(ImageReference.parse("nginx").qualified()).isEqualTo("docker.io/library/nginx");
    assertThat(ImageReference.parse("nginx:1").qualified()).isEqualTo("docker.io/library/nginx:1");
  }
}
