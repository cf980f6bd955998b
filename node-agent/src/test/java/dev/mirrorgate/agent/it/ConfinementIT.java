package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent never touches a path outside {@code --host-root}: the real jar, with the shipped JVM
 * flags, on a node whose directories, /etc/hosts or managed files are symbolic links (leading out
 * of the root, or inside it), and with a state file that lists paths outside the agent's own. Next
 * to every root there is an "outside" directory the kernel would reach by following those links; it
 * is compared before and after, byte for byte.
 */
class ConfinementIT {

  static final String CA =
      "-----BEGIN CERTIFICATE-----\nMIIBconfinement\n-----END CERTIFICATE-----\n";
  static final String HOSTS = "127.0.0.1 localhost\n::1 localhost\n";
  static final String ALL = "hosts,containerd,docker,containers";

  @TempDir Path dir;
  Processes procs;
  ShippedAgent agent;
  Path root;
  Path outside;
  Path mirrors;

  @BeforeEach
  void setUp() throws Exception {
    agent = ShippedAgent.create();
    procs = new Processes(dir);
    root = Files.createDirectories(dir.resolve("root"));
    outside = Files.createDirectories(dir.resolve("outside"));
    // What the links lead to when the kernel follows them: a whole node's worth of targets.
    write(outside.resolve("etc/hosts"), HOSTS);
    Files.createDirectories(outside.resolve("etc/containerd/certs.d"));
    Files.createDirectories(outside.resolve("containerd/certs.d"));
    Files.createDirectories(outside.resolve("certs.d"));
    Files.createDirectories(outside.resolve("state"));
    Files.createDirectories(outside.resolve("run"));
    write(outside.resolve("hosts"), HOSTS);
    write(outside.resolve("corp-ca.crt"), "the corporate CA\n");
    write(outside.resolve("victim"), "must survive\n");
    mirrors =
        write(
            dir.resolve("mirrors.yaml"),
            """
            mirrors:
              - name: docker
                upstream: docker.io
                endpoint: https://10.96.0.15:443
                masquerade: mirror-docker.io
                address: 10.96.0.15
                caBundle: |
                  %s
            """
                .formatted(CA.strip().replace("\n", "\n      ")));
  }

  @AfterEach
  void tearDown() {
    procs.close();
  }

  /** Links (node path → target) that lead out of the root when the kernel follows them. */
  static Stream<Arguments> linksOut() {
    return Stream.of(
        Arguments.of("etc", "OUTSIDE/etc"),
        Arguments.of("etc/containerd", "OUTSIDE/containerd"),
        Arguments.of("etc/containerd", "../../outside/containerd"),
        Arguments.of("etc/containerd/certs.d", "OUTSIDE/certs.d"),
        Arguments.of("var/lib/mirrorgate", "OUTSIDE/state"),
        Arguments.of("run", "OUTSIDE/run"),
        Arguments.of("etc/hosts", "OUTSIDE/hosts"),
        Arguments.of("etc/hosts", "../../outside/hosts"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("linksOut")
  void aLinkLeadingOutOfTheRootIsNeverFollowed(String at, String target) throws Exception {
    node();
    Path link = root.resolve(at);
    deleteTree(link);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of(target.replace("OUTSIDE", outside.toString())));
    SortedMap<String, String> outsideBefore = NodeTree.of(outside);
    SortedMap<String, String> rootBefore = NodeTree.of(root);

    Processes.Result apply = apply();
    Processes.Result cleanup = agent.run(procs, "cleanup", "--host-root", root.toString());

    assertThat(apply.exit()).as(apply.output()).isEqualTo(3);
    assertThat(apply.output())
        .contains("is a symbolic link to a path that does not exist under the host root");
    assertThat(cleanup.exit()).as(cleanup.output()).isIn(0, 3);
    assertThat(NodeTree.of(outside)).as("outside the root").isEqualTo(outsideBefore);
    assertThat(withoutLockDir(NodeTree.of(root))).isEqualTo(withoutLockDir(rootBefore));
  }

  @Test
  void aDirectoryLinkInsideTheRootIsFollowedAsTheNodeWouldAndLeftAsItWas() throws Exception {
    node();
    Files.createDirectories(root.resolve("data/containerd"));
    Files.delete(root.resolve("etc/containerd"));
    Files.createSymbolicLink(root.resolve("etc/containerd"), Path.of("/data/containerd"));
    SortedMap<String, String> before = NodeTree.of(root);

    Processes.Result apply = apply();

    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(root.resolve("data/containerd/certs.d/docker.io/hosts.toml")).isRegularFile();
    assertThat(Files.readSymbolicLink(root.resolve("etc/containerd")))
        .isEqualTo(Path.of("/data/containerd"));
    cleanup();
    assertThat(NodeTree.of(root)).isEqualTo(before);
  }

  @Test
  void aSymlinkedHostsFileIsWrittenThroughAndCleanupLeavesTheLinkAsItWas() throws Exception {
    node();
    Files.delete(root.resolve("etc/hosts"));
    write(root.resolve("etc/static/hosts"), HOSTS);
    Files.createSymbolicLink(root.resolve("etc/hosts"), Path.of("/etc/static/hosts"));
    SortedMap<String, String> before = NodeTree.of(root);

    Processes.Result apply = apply();

    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(Files.isSymbolicLink(root.resolve("etc/hosts"))).isTrue();
    assertThat(Files.readString(root.resolve("etc/static/hosts")))
        .isEqualTo(HOSTS + "# BEGIN mirrorgate\n10.96.0.15 mirror-docker.io\n# END mirrorgate\n");
    Processes.Result check =
        agent.run(
            procs,
            "map-check",
            "--mirrors",
            mirrors.toString(),
            "--host-root",
            root.toString(),
            "--outputs",
            ALL);
    assertThat(check.exit()).as(check.output()).isZero();
    cleanup();
    assertThat(NodeTree.of(root)).isEqualTo(before);
  }

  @Test
  void aForeignLinkAtAManagedPathIsReplacedNotFollowedAndRestoredAsALink() throws Exception {
    node();
    Path link = root.resolve("etc/docker/certs.d/10.96.0.15/ca.crt");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, outside.resolve("corp-ca.crt"));
    SortedMap<String, String> outsideBefore = NodeTree.of(outside);
    SortedMap<String, String> before = NodeTree.of(root);

    Processes.Result apply = apply();

    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readString(link)).isEqualTo(CA);
    assertThat(NodeTree.of(outside)).isEqualTo(outsideBefore);
    cleanup();
    assertThat(NodeTree.of(root)).isEqualTo(before);
    assertThat(NodeTree.of(outside)).isEqualTo(outsideBefore);
  }

  @Test
  void aStateListingPathsOutsideTheAgentsOwnIsRefusedAndNothingIsDeleted() throws Exception {
    node();
    write(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    write(
        root.resolve("var/lib/mirrorgate/state.json"),
        """
        {"files": ["%s", "../../outside/victim", "etc/passwd",
                   "etc/docker/certs.d/10.96.0.15/ca.crt"],
         "directories": ["/", "etc"], "backups": [], "hostsAddedNewline": false,
         "cleaning": false}
        """
            .formatted(outside.resolve("victim")));
    SortedMap<String, String> outsideBefore = NodeTree.of(outside);
    SortedMap<String, String> before = NodeTree.of(root);

    Processes.Result cleanup = agent.run(procs, "cleanup", "--host-root", root.toString());
    Processes.Result apply = apply();

    assertThat(cleanup.exit()).as(cleanup.output()).isEqualTo(3);
    assertThat(cleanup.output())
        .contains("refused, nothing done")
        .contains("files: \\\"" + outside.resolve("victim") + "\\\" is an absolute path")
        .contains("files: \\\"../../outside/victim\\\" is not a plain relative path")
        .contains("files: \\\"etc/passwd\\\" is not a file the agent writes")
        .contains("directories: \\\"/\\\" is an absolute path");
    assertThat(apply.exit()).as(apply.output()).isEqualTo(3);
    assertThat(NodeTree.of(outside)).isEqualTo(outsideBefore);
    assertThat(withoutLockDir(NodeTree.of(root))).isEqualTo(withoutLockDir(before));
  }

  /** A node with every runtime's directory and an /etc/hosts. */
  private void node() throws Exception {
    write(root.resolve("etc/hosts"), HOSTS);
    for (String d : new String[] {"etc/containerd", "etc/docker", "etc/containers"}) {
      Files.createDirectories(root.resolve(d));
    }
  }

  private Processes.Result apply() throws Exception {
    return agent.run(
        procs,
        "apply",
        "--mirrors",
        mirrors.toString(),
        "--host-root",
        root.toString(),
        "--outputs",
        ALL);
  }

  private void cleanup() throws Exception {
    Processes.Result r = agent.run(procs, "cleanup", "--host-root", root.toString());
    assertThat(r.exit()).as(r.output()).isZero();
  }

  /** A refused command may leave the lock's directory it made before it looked at anything. */
  private static SortedMap<String, String> withoutLockDir(SortedMap<String, String> tree) {
    tree.entrySet()
        .removeIf(
            e ->
                e.getKey().startsWith("run/")
                    || (e.getKey().equals("run") && e.getValue().startsWith("dir")));
    return tree;
  }

  private static void deleteTree(Path p) throws Exception {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        for (Path child : s.toList()) {
          deleteTree(child);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
