package dev.mirrorgate.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tables of "links on the node → where a node path leads": links are followed as the node would
 * follow them, with the host root as {@code /}, and nothing ever leads out of the root.
 */
class HostRootTest {

  @TempDir Path dir;

  /** Directories under the root (ending in /) or links (name -> target) to create first. */
  static Stream<Arguments> resolutions() {
    return Stream.of(
        Arguments.of("a plain path", Map.of("etc/", ""), "etc/hosts", true, "etc/hosts"),
        Arguments.of(
            "a missing directory stays as written",
            Map.of("etc/", ""),
            "etc/containerd/certs.d/x/hosts.toml",
            false,
            "etc/containerd/certs.d/x/hosts.toml"),
        Arguments.of(
            "a relative link inside the root",
            Map.of("real-etc/", "", "etc", "real-etc"),
            "etc/hosts",
            true,
            "real-etc/hosts"),
        Arguments.of(
            "an absolute link starts at the host root",
            Map.of("data/containerd/", "", "etc/", "", "etc/containerd", "/data/containerd"),
            "etc/containerd/certs.d/x/hosts.toml",
            false,
            "data/containerd/certs.d/x/hosts.toml"),
        Arguments.of(
            ".. never climbs above the root",
            Map.of("etc/", "", "etc/containerd", "../../../../../etc-real", "etc-real/", ""),
            "etc/containerd/certs.d",
            true,
            "etc-real/certs.d"),
        Arguments.of(
            "a link to the root itself",
            Map.of("etc/", "", "etc/containerd", "/"),
            "etc/containerd/certs.d",
            true,
            "certs.d"),
        Arguments.of(
            "the last component is followed when asked",
            Map.of("etc/", "", "etc/static/hosts", "FILE", "etc/hosts", "/etc/static/hosts"),
            "etc/hosts",
            true,
            "etc/static/hosts"),
        Arguments.of(
            "the last component is kept when not asked",
            Map.of("etc/", "", "etc/hosts", "/elsewhere/hosts"),
            "etc/hosts",
            false,
            "etc/hosts"),
        Arguments.of(
            "links through links",
            Map.of("a/", "", "etc", "b", "b", "/a"),
            "etc/hosts",
            true,
            "a/hosts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resolutions")
  void resolvesInsideTheRoot(
      String name, Map<String, String> layout, String rel, boolean followLast, String expected)
      throws Exception {
    Path root = node(layout);

    Path resolved = new HostRoot(root, new PosixFileOps()).resolve(rel, followLast);

    assertThat(resolved).isEqualTo(root.resolve(expected));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "an absolute link to a directory outside the root",
            Map.of("etc", "/OUTSIDE/etc"),
            "etc/hosts",
            "/etc -> /OUTSIDE/etc is a symbolic link to a path that does not exist under the host"
                + " root"),
        Arguments.of(
            "a relative link climbing out of the root",
            Map.of("etc/", "", "etc/containerd", "../../outside/containerd"),
            "etc/containerd/certs.d/x/hosts.toml",
            "/etc/containerd -> ../../outside/containerd is a symbolic link to a path that does"
                + " not exist under the host root"),
        Arguments.of(
            "a dangling /etc/hosts",
            Map.of("etc/", "", "etc/hosts", "/nix/store/hosts"),
            "etc/hosts",
            "/etc/hosts -> /nix/store/hosts is a symbolic link to a path that does not exist"),
        Arguments.of(
            "a loop", Map.of("etc", "a", "a", "etc"), "etc/hosts", "more than 40 symbolic links"),
        Arguments.of(
            "a file where a directory is expected",
            Map.of("etc/", "", "etc/containerd", "FILE"),
            "etc/containerd/certs.d/x/hosts.toml",
            "/etc/containerd is not a directory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWhatWouldLeaveTheRoot(
      String name, Map<String, String> layout, String rel, String message) throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createDirectories(outside.resolve("etc"));
    Files.createDirectories(outside.resolve("containerd"));
    Path root = node(layout);
    HostRoot hostRoot = new HostRoot(root, new PosixFileOps());

    assertThatThrownBy(() -> hostRoot.resolve(rel, true))
        .isInstanceOf(NodeFileException.class)
        .hasMessageContaining(message.replace("OUTSIDE", outside.toString().substring(1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/etc/hosts", "../etc/hosts", "etc/../../x", "etc//hosts", "./etc"})
  void aNodePathIsPlainAndRelative(String rel) {
    assertThat(HostRoot.problem(rel)).isPresent();
    assertThatThrownBy(() -> new HostRoot(dir, new PosixFileOps()).resolve(rel, false))
        .isInstanceOf(NodeFileException.class);
  }

  /** A root with {@code layout}: "x/" a directory, "FILE" a file, anything else a link. */
  private Path node(Map<String, String> layout) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path outside = dir.resolve("outside");
    for (var e : layout.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      if (e.getKey().endsWith("/")) {
        Files.createDirectories(p);
      } else if (e.getValue().equals("FILE")) {
        Files.writeString(p, "x");
      } else {
        Files.createSymbolicLink(p, Path.of(e.getValue().replace("/OUTSIDE", outside.toString())));
      }
    }
    return root;
  }
}
