package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.agent.Limits;
import dev.mirrorgate.common.testing.Processes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of {@link Limits} against the real jar with the DaemonSet's JVM flags: a hosts file
 * and a mirrors document just at each limit are handled by the shipped heap, one byte or one mirror
 * more is refused with a message and the documented exit status; and in {@code run} mode a failure
 * (an oversized hosts file, an OutOfMemoryError) is a log line, a metric and a probe, and the
 * resync goes on.
 */
class MemoryLimitsIT {

  static final String ALL = "hosts,containerd,docker,containers";
  static final String HOSTS_HEAD = "127.0.0.1 localhost\n::1 localhost\n";

  @TempDir Path tmp;
  Path dir;
  Processes procs;
  ShippedAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    agent = ShippedAgent.create();
    // Thousands of files and a 64 MiB hosts file: on tmpfs when there is one, to spare the disk.
    Path shm = Path.of("/dev/shm");
    dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "mirrorgate-limits-")
            : tmp;
    procs = new Processes(tmp);
  }

  @AfterEach
  void tearDown() throws IOException {
    procs.close();
    if (!dir.equals(tmp)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void aHostsFileAtTheLimitIsEditedAndOneByteMoreIsRefused() throws Exception {
    Path root = node("at-limit");
    Path hosts = root.resolve("etc/hosts");
    hostsFile(hosts, Limits.HOSTS_FILE_BYTES);
    long crc = NodeTree.checksum(hosts);
    Path mirrors = write(dir.resolve("one.yaml"), MirrorsDocs.of(1, 600, 1));

    Processes.Result apply = apply(root, mirrors);

    assertThat(apply.exit()).as(apply.output()).isZero();
    String block = "# BEGIN mirrorgate\n10.96.0.1 mirror0.mirrorgate.test\n# END mirrorgate\n";
    assertThat(Files.size(hosts)).isEqualTo(Limits.HOSTS_FILE_BYTES + block.length());
    assertThat(tail(hosts, block.length())).isEqualTo(block);
    Processes.Result cleanup = agent.run(procs, "cleanup", "--host-root", root.toString());
    assertThat(cleanup.exit()).as(cleanup.output()).isZero();
    assertThat(NodeTree.checksum(hosts)).as("restored byte for byte").isEqualTo(crc);

    Path over = node("over-limit");
    hostsFile(over.resolve("etc/hosts"), Limits.HOSTS_FILE_BYTES + 1);
    SortedMap<String, String> before = NodeTree.of(over.resolve("etc"));

    Processes.Result refused = apply(over, mirrors);

    assertThat(refused.exit()).as(refused.output()).isEqualTo(3);
    assertThat(refused.output())
        .contains("\"msg\":\"apply failed\"")
        .contains("etc/hosts: larger than " + Limits.HOSTS_FILE_BYTES + " bytes")
        .doesNotContain("Exception in thread");
    assertThat(NodeTree.of(over.resolve("etc"))).isEqualTo(before);
  }

  @Test
  void theMostMirrorsInTheLargestDocumentAreAppliedAndOneMoreOfEitherIsRefused() throws Exception {
    Path root = node("most");
    SortedMap<String, String> before = NodeTree.of(root);
    Path most =
        write(
            dir.resolve("most.yaml"),
            MirrorsDocs.of(Limits.MIRRORS, (int) Limits.MIRRORS_DOCUMENT_BYTES, 1));
    assertThat(Files.size(most)).isEqualTo(Limits.MIRRORS_DOCUMENT_BYTES);

    Processes.Result apply = apply(root, most);

    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(apply.output()).doesNotContain("\"level\":\"error\"");
    try (Stream<Path> files = Files.walk(root.resolve("etc/containerd/certs.d"))) {
      // per mirror: hosts.toml and CA for the upstream, the endpoint and the masquerade
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(6L * Limits.MIRRORS);
    }
    Processes.Result again = apply(root, most);
    assertThat(again.exit()).as(again.output()).isZero();
    assertThat(again.output()).contains("node already up to date");
    Path rotated =
        write(
            dir.resolve("rotated.yaml"),
            MirrorsDocs.of(Limits.MIRRORS, (int) Limits.MIRRORS_DOCUMENT_BYTES, 2));
    Processes.Result rotation = apply(root, rotated);
    assertThat(rotation.exit()).as(rotation.output()).isZero();
    Processes.Result cleanup = agent.run(procs, "cleanup", "--host-root", root.toString());
    assertThat(cleanup.exit()).as(cleanup.output()).isZero();
    assertThat(NodeTree.of(root)).isEqualTo(before);

    Path oneMirrorMore =
        write(
            dir.resolve("one-more.yaml"),
            MirrorsDocs.of(Limits.MIRRORS + 1, (int) Limits.MIRRORS_DOCUMENT_BYTES, 3));
    Processes.Result tooMany = apply(root, oneMirrorMore);
    assertThat(tooMany.exit()).as(tooMany.output()).isEqualTo(2);
    assertThat(tooMany.output())
        .contains(
            "mirrors: "
                + (Limits.MIRRORS + 1)
                + " mirrors, more than the "
                + Limits.MIRRORS
                + " this reader accepts");

    Path oneByteMore =
        write(
            dir.resolve("one-byte-more.yaml"),
            MirrorsDocs.of(Limits.MIRRORS, (int) Limits.MIRRORS_DOCUMENT_BYTES + 1, 4));
    Processes.Result tooLarge = apply(root, oneByteMore);
    assertThat(tooLarge.exit()).as(tooLarge.output()).isEqualTo(2);
    assertThat(tooLarge.output())
        .contains(
            (Limits.MIRRORS_DOCUMENT_BYTES + 1)
                + " bytes, more than the "
                + Limits.MIRRORS_DOCUMENT_BYTES
                + " a mirrors document may have");
    assertThat(NodeTree.of(root)).isEqualTo(before);
  }

  @Test
  void inRunModeAFailureIsALogLineAMetricAndAProbeAndTheResyncGoesOn() throws Exception {
    Path root = node("run");
    Path hosts = root.resolve("etc/hosts");
    hostsFile(hosts, Limits.HOSTS_FILE_BYTES + 1);
    Path mirrors = write(dir.resolve("run.yaml"), MirrorsDocs.of(1, 600, 1));

    runMode(agent, "run", mirrors, root);
    Health health = Health.of(procs, "run");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(procs.log("run"))
                  .contains("\"msg\":\"apply failed\"")
                  .contains("larger than " + Limits.HOSTS_FILE_BYTES + " bytes");
              assertThat(health.get("/readyz")).startsWith("503 last apply failed: ");
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(health.get("/healthz"))
                  .matches("(?s)503 the last \\d+ applies failed: .*");
              assertThat(health.get("/metrics"))
                  .containsPattern("mirrorgate_node_errors_total\\{kind=\"apply\"} [1-9]")
                  .contains("mirrorgate_node_last_apply_success 0.0");
            });

    write(hosts, HOSTS_HEAD); // the resync goes on: the node recovers without a restart

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(health.get("/readyz")).isEqualTo("200 ready\n");
              assertThat(health.get("/healthz")).isEqualTo("200 ok\n");
            });
    assertThat(Files.readString(hosts)).contains("10.96.0.1 mirror0.mirrorgate.test");
  }

  /** {@code run} on a file source with every output, a 2 s resync and health on a free port. */
  private void runMode(ShippedAgent shipped, String name, Path mirrors, Path root)
      throws IOException {
    shipped.start(
        procs,
        name,
        "run",
        "--mirrors",
        mirrors.toString(),
        "--host-root",
        root.toString(),
        "--outputs",
        ALL,
        "--resync",
        "2s",
        "--health-port",
        "0",
        "--health-address",
        "127.0.0.1");
  }

  @Test
  void anOutOfMemoryErrorInRunModeIsReportedAndTheAgentGoesOn() throws Exception {
    // A heap too small for the largest document: what a limit the heap cannot hold leads to.
    Path root = node("oom");
    Path mirrors =
        write(
            dir.resolve("oom.yaml"),
            MirrorsDocs.of(Limits.MIRRORS, (int) Limits.MIRRORS_DOCUMENT_BYTES, 1));

    runMode(agent.withJvm("-Xmx8m"), "oom", mirrors, root);
    Health health = Health.of(procs, "oom");

    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions() // a JVM out of memory may answer slowly
        .untilAsserted(
            () -> {
              assertThat(procs.log("oom")).containsPattern("\"level\":\"error\".*out of memory");
              // out of memory in the apply (a failed apply) or while reading the document (a
              // refused one): either way not ready, saying why, and counted
              assertThat(health.get("/readyz")).startsWith("503 ").contains("out of memory");
              assertThat(health.get("/metrics"))
                  .containsPattern(
                      "mirrorgate_node_errors_total\\{kind=\"(apply|mirrors|internal)\"} [1-9]");
            });
    assertThat(procs.log("oom")).doesNotContain("Exception in thread");

    write(mirrors, MirrorsDocs.of(1, 600, 1)); // what fits: applied by the same process
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(health.get("/readyz")).isEqualTo("200 ready\n"));
  }

  private Processes.Result apply(Path root, Path mirrors) throws Exception {
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

  /** A node with every runtime's directory. */
  private Path node(String name) throws IOException {
    Path root = dir.resolve(name);
    for (String d : new String[] {"etc/containerd", "etc/docker", "etc/containers"}) {
      Files.createDirectories(root.resolve(d));
    }
    write(root.resolve("etc/hosts"), HOSTS_HEAD);
    return root;
  }

  /** An ad-block style hosts file of exactly {@code bytes} bytes, written as a stream. */
  static void hostsFile(Path file, long bytes) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      byte[] head = HOSTS_HEAD.getBytes(StandardCharsets.US_ASCII);
      out.write(head);
      long written = head.length;
      for (long i = 0; written < bytes; i++) {
        byte[] line =
            ("0.0.0.0 ads" + i + ".tracker.example.com\n").getBytes(StandardCharsets.US_ASCII);
        int n = (int) Math.min(line.length, bytes - written);
        if (n < line.length) {
          line[n - 1] = '\n';
        }
        out.write(line, 0, n);
        written += n;
      }
    }
  }

  private static String tail(Path file, int bytes) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(bytes);
      ch.read(buf, ch.size() - bytes);
      return new String(buf.array(), StandardCharsets.US_ASCII);
    }
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temp, text);
    return Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The health endpoint of a running agent, found from its "node agent running" log line. */
  record Health(int port) {
    static final Pattern PORT = Pattern.compile("\"healthPort\":(\\d+)");

    static Health of(Processes procs, String name) {
      int[] port = {0};
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Matcher m = PORT.matcher(procs.log(name));
                if (m.find()) {
                  port[0] = Integer.parseInt(m.group(1));
                }
                return port[0] > 0;
              });
      return new Health(port[0]);
    }

    String get(String path) throws Exception {
      try (var http = java.net.http.HttpClient.newHttpClient()) {
        var r =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
      }
    }
  }
}
