package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file layer against real kernels' answers: EBUSY, a crash, ENOSPC, a read-only mount. */
class SafeWriteIT {

  static final String HOSTS = "127.0.0.1 localhost\n# keep me\t exactly\n";
  static final String BLOCK = "# BEGIN mirrorgate\n10.96.0.15 mirror-docker.io\n# END mirrorgate\n";

  @TempDir Path dir;
  Processes procs;
  Path jar;
  Path mirrors;
  final List<Path> mounts = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Requirements.root();
    Requirements.binaries("unshare", "mount", "umount");
    jar = Requirements.agentJar();
    procs = new Processes(dir);
    mirrors =
        Files.writeString(
            dir.resolve("mirrors.yaml"),
            """
            mirrors:
              - name: docker
                upstream: docker.io
                endpoint: https://10.96.0.15:443
                masquerade: mirror-docker.io
                address: 10.96.0.15
                caBundle: |
                  -----BEGIN CERTIFICATE-----
                  MIIBtest
                  -----END CERTIFICATE-----
            """);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Path m : mounts.reversed()) {
      procs.run(List.of("umount", "-l", m.toString()));
    }
    procs.close();
  }

  @Test
  void aBindMountedHostsFileIsRewrittenInPlace() throws Exception {
    Path root = node(dir.resolve("root"));
    Path real = Files.writeString(dir.resolve("real-hosts"), HOSTS);
    Object inode = Files.getAttribute(real, "unix:ino");

    Processes.Result r =
        procs.run(
            RuntimePullIT.inNamespace(
                "mount --bind "
                    + real
                    + " "
                    + root.resolve("etc/hosts")
                    + " && "
                    + agent("apply", root)
                    + " && "
                    + agent("map-check", root)
                    + " && "
                    + agent("cleanup", root)
                    + " && "
                    + "cp "
                    + root.resolve("etc/hosts")
                    + " "
                    + dir.resolve("after-cleanup")
                    + " && "
                    + agent("apply", root)));

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readString(real)).isEqualTo(HOSTS + BLOCK);
    assertThat(Files.getAttribute(real, "unix:ino")).isEqualTo(inode);
    assertThat(Files.readString(dir.resolve("after-cleanup"))).isEqualTo(HOSTS);
    assertThat(temps(root)).isEmpty();
  }

  @Test
  void aCrashBetweenTheTempWriteAndTheRenameLeavesTheOldFile() throws Exception {
    Path root = node(dir.resolve("root"));
    String classpath = Path.of("target/test-classes").toAbsolutePath() + ":" + jar;

    Processes.Result crash =
        procs.run(
            List.of(
                Requirements.java(),
                "-cp",
                classpath,
                CrashingApply.class.getName(),
                root.toString(),
                mirrors.toString()));

    assertThat(crash.exit()).as(crash.output()).isEqualTo(137);
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS);
    assertThat(Files.readString(root.resolve("etc/.hosts.mirrorgate-tmp")))
        .isEqualTo(HOSTS + BLOCK);

    procs.ok(command("apply", root));
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS + BLOCK);
    assertThat(temps(root)).isEmpty();
    procs.ok(command("cleanup", root));
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS);
    assertThat(files(root)).containsExactly("etc/hosts");
  }

  @Test
  void aFullDiskGivesAClearErrorAndNoPartialFile() throws Exception {
    Path root = tmpfs(dir.resolve("tiny"), "size=64k");
    node(root);
    Processes.Result fill =
        procs.run(List.of("dd", "if=/dev/zero", "of=" + root.resolve("filler"), "bs=4k"));
    assertThat(fill.output()).contains("No space left on device");

    Processes.Result r = procs.run(command("apply", root));

    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("apply failed").contains("no space left on device");
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS);
    assertThat(temps(root)).isEmpty();
    assertThat(files(root)).containsExactlyInAnyOrder("etc/hosts", "filler");
  }

  @Test
  void aReadOnlyMountGivesAClearErrorAndChangesNothing() throws Exception {
    Path root = tmpfs(dir.resolve("ro"), "size=1m");
    node(root);
    procs.ok(List.of("mount", "-o", "remount,ro", root.toString()));

    Processes.Result r = procs.run(command("apply", root));

    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("apply failed").contains("read-only file system");
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS);
    assertThat(files(root)).containsExactly("etc/hosts");
  }

  private Path node(Path root) throws IOException {
    Files.createDirectories(root.resolve("etc/containerd"));
    Files.writeString(root.resolve("etc/hosts"), HOSTS);
    return root;
  }

  private Path tmpfs(Path at, String options) throws Exception {
    Files.createDirectories(at);
    procs.ok(List.of("mount", "-t", "tmpfs", "-o", options, "mirrorgate-it", at.toString()));
    mounts.add(at);
    return at;
  }

  private List<String> command(String sub, Path root) {
    List<String> c =
        new ArrayList<>(
            List.of(Requirements.java(), "-XX:+UseSerialGC", "-Xmx32m", "-jar", jar.toString()));
    c.add(sub);
    if (!sub.equals("cleanup")) {
      c.addAll(List.of("--mirrors", mirrors.toString()));
    }
    c.addAll(List.of("--host-root", root.toString()));
    return c;
  }

  private String agent(String sub, Path root) {
    return String.join(" ", command(sub, root));
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(f -> !f.equals("run/mirrorgate.lock"))
          .toList();
    }
  }

  private static List<String> temps(Path root) throws IOException {
    return files(root).stream().filter(f -> f.endsWith(".mirrorgate-tmp")).toList();
  }
}
