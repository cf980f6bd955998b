package dev.mirrorgate.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.files.Content;
import dev.mirrorgate.agent.files.DelegatingFileOps;
import dev.mirrorgate.agent.files.FileMeta;
import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.agent.write.NodeWriter;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyLoopTest {

  static final String ONE =
      "mirrors: [{name: a, upstream: a.io, endpoint: \"https://m.test:5443\", masquerade: m.test,"
          + " address: 10.0.0.1}]";
  static final String TWO =
      "mirrors: [{name: a, upstream: a.io, endpoint: \"https://m.test:5443\", masquerade: m.test,"
          + " address: 10.0.0.1}, {name: b, upstream: b.io, endpoint: \"https://n.test\"}]";

  @TempDir Path dir;
  Path root;
  Path mirrorsFile;
  AgentMetrics metrics = new AgentMetrics();
  ByteArrayOutputStream logs = new ByteArrayOutputStream();
  ApplyLoop loop;
  HealthServer health;
  final List<List<String>> rejections = new CopyOnWriteArrayList<>();

  /** What the next writes of /etc/hosts throw, when set: a full disk, an OutOfMemoryError. */
  final AtomicReference<Throwable> hostsFault = new AtomicReference<>();

  final FileOps faulty =
      new DelegatingFileOps(new PosixFileOps()) {
        @Override
        public void writeAtomically(Path target, Content content, FileMeta meta)
            throws IOException {
          Throwable fault = hostsFault.get();
          if (fault != null && target.endsWith("etc/hosts")) {
            switch (fault) {
              case IOException e -> throw e;
              case Error e -> throw e;
              default -> throw new IllegalStateException(fault);
            }
          }
          super.writeAtomically(target, content, meta);
        }
      };

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    mirrorsFile =
        Files.writeString(Files.createDirectories(dir.resolve("cm")).resolve("m.yaml"), ONE);
    Log log = new Log(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC());
    NodeAgent agent =
        new NodeAgent(root, faulty, () -> EnumSet.of(Output.HOSTS, Output.CONTAINERD), log);
    MirrorsSource file =
        new FileMirrorsSource(mirrorsFile, DocumentRules.forNode(java.util.Set.of()));
    MirrorsSource source = // the file, and what the loop reports back to it
        new MirrorsSource() {
          @Override
          public MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException {
            return file.load();
          }

          @Override
          public List<Path> watchedDirectories() {
            return file.watchedDirectories();
          }

          @Override
          public void rejected(List<String> errors) {
            rejections.add(errors);
          }
        };
    loop = new ApplyLoop(agent, source, Duration.ofMillis(300), metrics, Clock.systemUTC(), log);
    health = new HealthServer(new InetSocketAddress("127.0.0.1", 0), metrics);
    loop.start();
    await().atMost(Duration.ofSeconds(30)).until(metrics::ready);
  }

  @AfterEach
  void tearDown() throws Exception {
    loop.close();
    health.close();
  }

  @Test
  void repairsDriftWhenItsFilesChangeUnderIt() throws Exception {
    Path hostsToml = root.resolve("etc/containerd/certs.d/a.io/hosts.toml");
    String good = Files.readString(hostsToml);

    Files.writeString(hostsToml, "tampered");
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");

    await().atMost(Duration.ofSeconds(30)).until(() -> metrics.driftRepairs() >= 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(Files.readString(hostsToml)).isEqualTo(good);
              assertThat(Files.readString(root.resolve("etc/hosts"))).contains("10.0.0.1 m.test");
            });
    assertThat(logs.toString()).contains("drift repaired");
  }

  @Test
  void followsTheMirrorsFileAndKeepsTheLastGoodDocument() throws Exception {
    Files.writeString(mirrorsFile, TWO);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(root.resolve("etc/containerd/certs.d/b.io/hosts.toml")));

    Files.writeString(mirrorsFile, "");
    Files.writeString(mirrorsFile, "mirrors: [{name: BAD}]");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !metrics.prometheus().contains("kind=\"mirrors\"} 0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(logs.toString())
                    .contains("keeping the last good one", "mirrors[0].upstream"));
    assertThat(root.resolve("etc/containerd/certs.d/b.io/hosts.toml")).exists();
  }

  @Test
  void anInvalidDocumentIsReportedOnceNotAtEveryResync() throws Exception {
    replace(mirrorsFile, "mirrors: [{name: BAD}]");
    long applies = metrics.applies();
    await().atMost(Duration.ofSeconds(30)).until(() -> metrics.applies() >= applies + 3);
    assertThat(logs.toString().split("keeping the last good one", -1)).hasSize(2);
    assertThat(metrics.prometheus()).contains("mirrorgate_node_errors_total{kind=\"mirrors\"} 1");
    assertThat(rejections).hasSize(1); // the source is told once (the ConfigMap's Event)
    assertThat(rejections.get(0)).anyMatch(e -> e.contains("mirrors[0].upstream"));
  }

  @Test
  void reassertsPeriodicallyWithoutWriting() throws Exception {
    Object inode = Files.getAttribute(root.resolve("etc/hosts"), "unix:ino");
    long before = metrics.applies();
    await().atMost(Duration.ofSeconds(30)).until(() -> metrics.applies() >= before + 3);
    assertThat(Files.getAttribute(root.resolve("etc/hosts"), "unix:ino")).isEqualTo(inode);
    assertThat(metrics.driftRepairs()).isZero();
  }

  @Test
  void writesNothingAfterACleanup() throws Exception {
    new NodeWriter(root, new PosixFileOps()).cleanup();
    await().atMost(Duration.ofSeconds(30)).until(metrics::isStopped);

    Files.writeString(mirrorsFile, TWO);
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n# touched\n");
    long applies = metrics.applies();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);

    assertThat(metrics.applies()).isEqualTo(applies);
    assertThat(Files.readString(root.resolve("etc/hosts")))
        .isEqualTo("127.0.0.1 localhost\n# touched\n");
    assertThat(root.resolve("etc/containerd")).doesNotExist();
    assertThat(get("/healthz")).isEqualTo("200 ok: stopped after cleanup\n");
  }

  @Test
  void servesHealthAndMetrics() throws Exception {
    assertThat(get("/healthz")).isEqualTo("200 ok\n");
    assertThat(get("/readyz")).isEqualTo("200 ready\n");
    assertThat(get("/metrics"))
        .contains(
            "mirrorgate_node_last_apply_success 1.0",
            "mirrorgate_node_mirrors 1.0",
            "# TYPE mirrorgate_node_drift_repairs_total counter",
            "mirrorgate_node_errors_total{kind=\"apply\"} 0");
  }

  @Test
  void aFailedApplyIsALogLineAMetricAndNotReadyThenUnhealthyAndTheLoopGoesOn() throws Exception {
    hostsFault.set(new IOException("No space left on device"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n"); // drift: a write

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(get("/readyz")).startsWith("503 last apply failed: No space left"));
    assertThat(logs.toString()).contains("\"msg\":\"apply failed\"", "No space left on device");
    assertThat(metrics.prometheus())
        .doesNotContain("mirrorgate_node_errors_total{kind=\"apply\"} 0");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("/healthz"))
                    .matches("(?s)503 the last \\d+ applies failed: No space left on device.*"));

    hostsFault.set(null); // the resync goes on, and the node recovers
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(get("/readyz")).isEqualTo("200 ready\n");
              assertThat(get("/healthz")).isEqualTo("200 ok\n");
            });
    assertThat(Files.readString(root.resolve("etc/hosts"))).contains("10.0.0.1 m.test");
  }

  @Test
  void anOutOfMemoryErrorInAnApplyIsReportedAndTheLoopSurvivesIt() throws Exception {
    hostsFault.set(new OutOfMemoryError("Java heap space"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("/healthz"))
                    .matches(
                        "(?s)503 the last \\d+ applies failed: out of memory \\(Java heap space\\).*"));
    assertThat(logs.toString()).contains("out of memory (Java heap space)");
    assertThat(metrics.prometheus()).contains("mirrorgate_node_apply_failures_in_a_row ");

    hostsFault.set(null);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(get("/healthz")).isEqualTo("200 ok\n"));
  }

  @Test
  void aRefusedDocumentMakesTheAgentNotReadyWhileTheLastGoodOneStaysApplied() throws Exception {
    replace(
        mirrorsFile,
        "mirrors: [{name: a, upstream: a.io, endpoint: \"https://m.test\","
            + " masquerade: localhost, address: 10.0.0.1}]");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("/readyz"))
                    .startsWith(
                        "503 the last good document stays applied; mirrors document" + " refused: ")
                    .contains("mirrors[0].masquerade: \"localhost\" is a loopback name"));
    assertThat(get("/healthz")).isEqualTo("200 ok\n"); // a restart would not help
    assertThat(metrics.prometheus()).contains("mirrorgate_node_document_refused 1.0");
    assertThat(Files.readString(root.resolve("etc/hosts"))).contains("10.0.0.1 m.test");

    replace(mirrorsFile, TWO);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(get("/readyz")).isEqualTo("200 ready\n"));
  }

  /** Replaces a file atomically, the way a ConfigMap volume is updated. */
  private static void replace(Path file, String text) throws IOException {
    Path temp = Files.writeString(file.resolveSibling(".tmp"), text);
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private String get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    }
  }
}
