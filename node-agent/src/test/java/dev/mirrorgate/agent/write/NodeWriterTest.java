package dev.mirrorgate.agent.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.agent.files.HostRoot;
import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.NodePlan;
import dev.mirrorgate.agent.plan.NodePlanner;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tables of "existing files → expected files" on a temp host root. */
class NodeWriterTest {

  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n";
  static final String ONE_MIRROR =
      """
      mirrors:
        - name: up
          upstream: upstream.test:5000
          endpoint: https://mirror.test:5443
          masquerade: mirror.test
          address: 127.0.0.1
          caBundle: |
            -----BEGIN CERTIFICATE-----
            MIIBca
            -----END CERTIFICATE-----
      """;
  static final String HOSTS_TOML =
      """
      # Managed by mirrorgate (mirror up); changes are overwritten.
      server = "https://upstream.test:5000"

      [host."https://mirror.test:5443"]
        capabilities = ["pull", "resolve"]
        ca = "mirrorgate-ca.crt"
      """;
  static final String OWN_TOML =
      """
      # Managed by mirrorgate (mirror up); changes are overwritten.
      server = "https://mirror.test:5443"
      ca = "mirrorgate-ca.crt"
      """;
  static final String BLOCK = "# BEGIN mirrorgate\n127.0.0.1 mirror.test\n# END mirrorgate\n";

  @TempDir Path root;

  static Stream<Arguments> applies() {
    return Stream.of(
        Arguments.of(
            "bare node gets the hosts block and containerd files",
            Map.of("etc/hosts", "127.0.0.1 localhost\n"),
            Set.of(Output.HOSTS, Output.CONTAINERD),
            Map.of(
                "etc/hosts", "127.0.0.1 localhost\n" + BLOCK,
                "etc/containerd/certs.d/upstream.test:5000/hosts.toml", HOSTS_TOML,
                "etc/containerd/certs.d/upstream.test:5000/mirrorgate-ca.crt", CA,
                "etc/containerd/certs.d/mirror.test:5443/hosts.toml", OWN_TOML,
                "etc/containerd/certs.d/mirror.test:5443/mirrorgate-ca.crt", CA),
            null),
        Arguments.of(
            "a foreign file is replaced and backed up",
            Map.of("etc/hosts", "", "etc/docker/certs.d/mirror.test:5443/ca.crt", "theirs\n"),
            Set.of(Output.DOCKER),
            Map.of(
                "etc/hosts",
                "",
                "etc/docker/certs.d/mirror.test:5443/ca.crt",
                CA,
                "var/lib/mirrorgate/backup/etc/docker/certs.d/mirror.test:5443/ca.crt",
                "theirs\n"),
            null),
        Arguments.of(
            "an old block and unmanaged lines in any format",
            Map.of(
                "etc/hosts",
                "# BEGIN mirrorgate\n1.1.1.1 old\n# END mirrorgate\n\t10.0.0.1   a b  # c\r\nx"),
            Set.of(Output.HOSTS),
            Map.of("etc/hosts", BLOCK + "\t10.0.0.1   a b  # c\r\nx"),
            Map.of("etc/hosts", "\t10.0.0.1   a b  # c\r\nx")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applies")
  void applyThenCleanup(
      String name,
      Map<String, String> existing,
      Set<Output> outputs,
      Map<String, String> expected,
      Map<String, String> afterCleanup)
      throws Exception {
    write(existing);
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());

    writer.apply(plan(ONE_MIRROR, outputs));

    assertThat(tree()).isEqualTo(new TreeMap<>(expected));
    assertThat(writer.differences(plan(ONE_MIRROR, outputs))).isEmpty();

    writer.cleanup();

    assertThat(tree(true)).isEqualTo(new TreeMap<>(afterCleanup == null ? existing : afterCleanup));
  }

  @Test
  void equalBytesAreNotRewritten() throws Exception {
    write(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    NodePlan plan = plan(ONE_MIRROR, Output.all());
    writer.apply(plan);
    Object inode = Files.getAttribute(root.resolve("etc/hosts"), "unix:ino");
    Object stateInode = Files.getAttribute(root.resolve(NodeWriter.STATE_FILE), "unix:ino");

    ApplyReport again = writer.apply(plan);

    assertThat(again.changed()).isFalse();
    assertThat(Files.getAttribute(root.resolve("etc/hosts"), "unix:ino")).isEqualTo(inode);
    assertThat(Files.getAttribute(root.resolve(NodeWriter.STATE_FILE), "unix:ino"))
        .isEqualTo(stateInode);
  }

  @Test
  void cleanupRestoresAHostsFileWithoutFinalNewlineAndItsModeAndOwner() throws Exception {
    write(Map.of("etc/hosts", "127.0.0.1 localhost"));
    Path hosts = root.resolve("etc/hosts");
    Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rw-r-----"));
    Files.setAttribute(hosts, "unix:gid", 4);
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());

    writer.apply(plan(ONE_MIRROR, Set.of(Output.HOSTS)));
    assertThat(Files.readString(hosts)).isEqualTo("127.0.0.1 localhost\n" + BLOCK);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts)))
        .isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(hosts, "unix:gid")).isEqualTo(4);

    writer.cleanup();
    assertThat(Files.readString(hosts)).isEqualTo("127.0.0.1 localhost");
    assertThat(Files.getAttribute(hosts, "unix:gid")).isEqualTo(4);
  }

  @Test
  void removingAMirrorRemovesItsFilesAndDirectoriesAndRestoresBackups() throws Exception {
    write(Map.of("etc/hosts", "", "etc/containerd/certs.d/upstream.test:5000/hosts.toml", "x\n"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    writer.apply(plan(ONE_MIRROR, Output.all()));

    ApplyReport report = writer.apply(plan("mirrors: []", Output.all()));

    assertThat(report.removed()).isNotEmpty();
    assertThat(tree())
        .isEqualTo(
            Map.of("etc/hosts", "", "etc/containerd/certs.d/upstream.test:5000/hosts.toml", "x\n"));
    assertThat(root.resolve("etc/docker")).doesNotExist();
  }

  @Test
  void driftIsSeenAndRepaired() throws Exception {
    write(Map.of("etc/hosts", "a\n"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    NodePlan plan = plan(ONE_MIRROR, Output.all());
    writer.apply(plan);
    Files.writeString(root.resolve("etc/docker/certs.d/mirror.test:5443/ca.crt"), "tampered");
    Files.writeString(root.resolve("etc/hosts"), "a\nb\n");

    assertThat(writer.differences(plan))
        .containsExactly(
            "etc/docker/certs.d/mirror.test:5443/ca.crt: content differs",
            "etc/hosts: managed block differs");
    ApplyReport repair = writer.apply(plan);

    assertThat(repair.written())
        .containsExactly("etc/docker/certs.d/mirror.test:5443/ca.crt", "etc/hosts");
    assertThat(repair.backedUp()).isEmpty();
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("a\nb\n" + BLOCK);
  }

  /** A process that dies between the temp write and the rename. */
  static final class Crash extends Error {
    Crash() {
      super("simulated crash before rename");
    }
  }

  @Test
  void aCrashBeforeTheRenameLeavesTheOldFileAndTheNextRunRecovers() throws Exception {
    write(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
    PosixFileOps crashing =
        new PosixFileOps(
            new PosixFileOps.Hooks() {
              @Override
              public void beforeRename(Path temp, Path target) {
                if (target.endsWith("etc/hosts")) {
                  throw new Crash();
                }
              }
            });

    assertThatThrownBy(() -> new NodeWriter(root, crashing).apply(plan(ONE_MIRROR, Output.all())))
        .isInstanceOf(Crash.class);

    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
    assertThat(root.resolve("etc/.hosts.mirrorgate-tmp")).exists();

    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    writer.apply(plan(ONE_MIRROR, Output.all()));
    assertThat(root.resolve("etc/.hosts.mirrorgate-tmp")).doesNotExist();
    assertThat(writer.differences(plan(ONE_MIRROR, Output.all()))).isEmpty();

    writer.cleanup();
    assertThat(tree(true)).isEqualTo(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
  }

  @Test
  void aCrashAfterSomeFilesStillCleansUpEverything() throws Exception {
    write(Map.of("etc/hosts", "h\n", "etc/docker/certs.d/mirror.test:5443/ca.crt", "theirs"));
    PosixFileOps crashing =
        new PosixFileOps(
            new PosixFileOps.Hooks() {
              @Override
              public void beforeRename(Path temp, Path target) {
                if (target.toString().contains("containers")) {
                  throw new Crash();
                }
              }
            });
    assertThatThrownBy(() -> new NodeWriter(root, crashing).apply(plan(ONE_MIRROR, Output.all())))
        .isInstanceOf(Crash.class);

    new NodeWriter(root, new PosixFileOps()).cleanup();

    Files.deleteIfExists(
        root.resolve("etc/containers/certs.d/mirror.test:5443/.ca.crt.mirrorgate-tmp"));
    assertThat(tree(true))
        .isEqualTo(
            Map.of("etc/hosts", "h\n", "etc/docker/certs.d/mirror.test:5443/ca.crt", "theirs"));
  }

  @Test
  void aSymlinkedHostsFileIsWrittenThroughAndTheLinkKept() throws Exception {
    write(Map.of("etc/static/hosts", "127.0.0.1 localhost\n"));
    Path link = Files.createSymbolicLink(root.resolve("etc/hosts"), Path.of("/etc/static/hosts"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());

    writer.apply(plan(ONE_MIRROR, Set.of(Output.HOSTS)));

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/etc/static/hosts"));
    assertThat(Files.readString(root.resolve("etc/static/hosts")))
        .isEqualTo("127.0.0.1 localhost\n" + BLOCK);
    assertThat(writer.differences(plan(ONE_MIRROR, Set.of(Output.HOSTS)))).isEmpty();

    writer.cleanup();

    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/etc/static/hosts"));
    assertThat(tree(true)).isEqualTo(Map.of("etc/static/hosts", "127.0.0.1 localhost\n"));
  }

  @Test
  void aForeignLinkIsBackedUpAsALinkAndRestoredAsItWas() throws Exception {
    write(Map.of("etc/hosts", "", "shared/corp-ca.crt", "theirs\n"));
    Path link = root.resolve("etc/docker/certs.d/mirror.test:5443/ca.crt");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of("../../../../shared/corp-ca.crt"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());

    ApplyReport report = writer.apply(plan(ONE_MIRROR, Set.of(Output.DOCKER)));

    assertThat(report.backedUp()).containsExactly("etc/docker/certs.d/mirror.test:5443/ca.crt");
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readString(link)).isEqualTo(CA);
    assertThat(Files.readString(root.resolve("shared/corp-ca.crt"))).isEqualTo("theirs\n");

    writer.cleanup();

    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../../../../shared/corp-ca.crt"));
    assertThat(tree(true)).isEqualTo(Map.of("etc/hosts", "", "shared/corp-ca.crt", "theirs\n"));
  }

  @Test
  void aStateThatListsPathsTheAgentNeverWritesIsRefusedAndNothingIsTouched() throws Exception {
    write(
        Map.of(
            "etc/hosts",
            "127.0.0.1 localhost\n",
            "etc/passwd",
            "root:x:0:0\n",
            NodeWriter.STATE_FILE,
            """
            {"files": ["etc/passwd", "/etc/shadow", "../../outside"], "directories": ["/tmp"],
             "backups": [], "hostsAddedNewline": false, "cleaning": false}
            """));
    Map<String, String> before = tree(false);
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());

    assertThatThrownBy(writer::cleanup)
        .hasMessageContaining("refused, nothing done")
        .hasMessageContaining("files: \"etc/passwd\" is not a file the agent writes")
        .hasMessageContaining("files: \"/etc/shadow\" is an absolute path")
        .hasMessageContaining("directories: \"/tmp\" is an absolute path");
    assertThatThrownBy(() -> writer.apply(plan(ONE_MIRROR, Output.all())))
        .hasMessageContaining("refused, nothing done");

    assertThat(tree(false)).isEqualTo(before);
  }

  @Test
  void aHostsFileOverTheLimitIsAClearErrorAndStaysAsItWas() throws Exception {
    String hosts = "127.0.0.1 localhost\n".repeat(10); // 200 bytes
    write(Map.of("etc/hosts", hosts));
    NodeWriter atTheLimit = new NodeWriter(new HostRoot(root, new PosixFileOps()), 200);
    NodeWriter belowIt = new NodeWriter(new HostRoot(root, new PosixFileOps()), 199);

    assertThatThrownBy(() -> belowIt.apply(plan(ONE_MIRROR, Set.of(Output.HOSTS))))
        .hasMessageContaining("etc/hosts: larger than 199 bytes");
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(hosts);
    assertThat(root.resolve("etc/.hosts.mirrorgate-tmp")).doesNotExist();

    atTheLimit.apply(plan(ONE_MIRROR, Set.of(Output.HOSTS)));
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(hosts + BLOCK);
  }

  @Test
  void cleanupRemovesTheLockFileAndARunningAgentDoesNotBringItBack() throws Exception {
    write(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    NodePlan plan = plan(ONE_MIRROR, Set.of(Output.HOSTS));
    assertThat(writer.applyUnlessCleanedUp(plan, false).orElseThrow().stateKept()).isTrue();
    assertThat(root.resolve(NodeWriter.LOCK_FILE)).exists();

    writer.cleanup();

    assertThat(root.resolve("run")).doesNotExist(); // the agent created it: gone too
    assertThat(writer.applyUnlessCleanedUp(plan, true)).isEmpty();
    assertThat(root.resolve("run")).doesNotExist();
    assertThat(tree(true)).isEqualTo(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
  }

  @Test
  void cleanupKeepsARunDirectoryItDidNotCreate() throws Exception {
    write(Map.of("etc/hosts", "127.0.0.1 localhost\n"));
    Files.createDirectories(root.resolve("run"));
    NodeWriter writer = new NodeWriter(root, new PosixFileOps());
    writer.apply(plan(ONE_MIRROR, Set.of(Output.HOSTS)));

    writer.cleanup();

    assertThat(root.resolve("run")).isEmptyDirectory();
  }

  private NodePlan plan(String yaml, Set<Output> outputs) throws Exception {
    MirrorsDocument doc = new MirrorsDocumentParser().parse(yaml);
    return NodePlanner.plan(doc, outputs);
  }

  private void write(Map<String, String> files) throws IOException {
    for (var e : files.entrySet()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
  }

  private SortedMap<String, String> tree() throws IOException {
    SortedMap<String, String> t = tree(false);
    t.remove(NodeWriter.STATE_FILE);
    return t;
  }

  /** Every file under the root; with {@code noDirsLeft}, also fails on leftover empty dirs. */
  private SortedMap<String, String> tree(boolean noDirsLeft) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (p.startsWith(root.resolve("run"))) {
          continue; // the lock's directory (on a node, /run)
        }
        if (Files.isSymbolicLink(p)) {
          continue; // links are checked by the tests that make them
        }
        if (Files.isRegularFile(p)) {
          out.put(root.relativize(p).toString(), Files.readString(p));
        } else if (noDirsLeft && !p.equals(root)) {
          try (Stream<Path> children = Files.list(p)) {
            assertThat(children.findAny()).as("empty directory left: " + p).isPresent();
          }
        }
      }
    }
    return out;
  }
}
