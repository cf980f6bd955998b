package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.agent.Limits;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.Processes;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest document where it matters most: the agent as the DaemonSet runs it (shipped JVM
 * flags, {@code run --mirrors-configmap}, every output) against a real API server holds {@link
 * Limits#MIRRORS} mirrors in a ConfigMap as large as the API server allows, follows it when every
 * CA changes (two such documents in memory at once), and refuses one mirror more with a log line, a
 * metric, {@code /readyz} and a Warning Event, keeping the last good document. Prints the agent's
 * memory for the README.
 */
class ConfigMapLimitsIT {

  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final String NAME = "mirrorgate-mirrors";
  static final int BYTES = (int) Limits.MIRRORS_DOCUMENT_BYTES;

  @TempDir static Path tmp;
  static Processes procs;
  static CoreV1Api admin;
  static String ns;
  static Path root;

  @BeforeAll
  static void setUp() {
    procs = new Processes(tmp);
    admin = new CoreV1Api(api.client());
    ns = api.createNamespace("agent-limits");
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (procs != null) {
      // what the agent said of itself, beyond the first apply, for a failure's diagnosis
      procs
          .log("agent")
          .lines()
          .filter(l -> !l.contains("\"level\":\"info\""))
          .limit(40)
          .forEach(l -> System.err.println("[ConfigMapLimitsIT] agent: " + l));
      procs.close();
    }
    if (root != null && root.startsWith("/dev/shm")) {
      try (var s = Files.walk(root)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // a temp dir left on tmpfs: nothing to fail the test for
      }
    }
  }

  @Test
  void theMostMirrorsInTheLargestConfigMapAreFollowedAndOneMoreIsRefused() throws Exception {
    Path shm = Path.of("/dev/shm");
    root =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "mirrorgate-cm-limits-")
            : tmp.resolve("root");
    for (String d : new String[] {"etc/containerd", "etc/docker", "etc/containers"}) {
      Files.createDirectories(root.resolve(d));
    }
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    String first = MirrorsDocs.of(Limits.MIRRORS, BYTES, 1);
    admin
        .createNamespacedConfigMap(
            ns,
            new V1ConfigMap()
                .metadata(new V1ObjectMeta().name(NAME))
                .data(Map.of("mirrors.yaml", first)))
        .execute();

    Process agent =
        ShippedAgent.create()
            .start(
                procs,
                "agent",
                Map.of("KUBECONFIG", api.kubeconfig().toString(), "NODE_NAME", "worker-1"),
                "run",
                "--mirrors-configmap",
                ns + "/" + NAME,
                "--host-root",
                root.toString(),
                "--outputs",
                "hosts,containerd,docker,containers",
                "--health-port",
                "0",
                "--health-address",
                "127.0.0.1");
    MemoryLimitsIT.Health health = MemoryLimitsIT.Health.of(procs, "agent");
    Path ca = root.resolve("etc/containerd/certs.d/registry0.example.com/mirrorgate-ca.crt");
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(health.get("/readyz")).isEqualTo("200 ready\n");
              assertThat(health.get("/metrics"))
                  .contains("mirrorgate_node_mirrors " + (double) Limits.MIRRORS);
            });
    String firstCa = Files.readString(ca);
    long firstRss = rssKib(agent, "VmRSS");

    set(MirrorsDocs.of(Limits.MIRRORS, BYTES, 2)); // every CA changes
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(Files.readString(ca)).isNotEqualTo(firstCa);
              assertThat(health.get("/readyz")).isEqualTo("200 ready\n");
            });
    String secondCa = Files.readString(ca);

    set(MirrorsDocs.of(Limits.MIRRORS + 1, BYTES, 3));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(procs.log("agent"))
                  .contains("\"msg\":\"invalid mirrors document; keeping the last good one\"")
                  .contains((Limits.MIRRORS + 1) + " mirrors, more than the " + Limits.MIRRORS);
              assertThat(health.get("/readyz"))
                  .startsWith("503 the last good document stays applied; mirrors document refused");
              assertThat(health.get("/metrics"))
                  .contains("mirrorgate_node_errors_total{kind=\"mirrors\"} 1")
                  .contains("mirrorgate_node_errors_total{kind=\"apply\"} 0")
                  .contains("mirrorgate_node_errors_total{kind=\"internal\"} 0");
              assertThat(admin.listNamespacedEvent(ns).execute().getItems())
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("MirrorsRejected");
                        assertThat(e.getMessage()).contains("more than the " + Limits.MIRRORS);
                      });
            });
    assertThat(Files.readString(ca)).isEqualTo(secondCa);
    assertThat(agent.isAlive()).isTrue();
    assertThat(procs.log("agent")).doesNotContain("out of memory").doesNotContain("Exception");
    System.err.printf(
        "[ConfigMapLimitsIT] %d mirrors in a %d-byte ConfigMap, every output: RSS after the first"
            + " apply %d KiB, now %d KiB, peak (VmHWM) %d KiB%n",
        Limits.MIRRORS, BYTES, firstRss, rssKib(agent, "VmRSS"), rssKib(agent, "VmHWM"));
  }

  private static void set(String document) throws Exception {
    V1ConfigMap cm = admin.readNamespacedConfigMap(NAME, ns).execute();
    cm.setData(Map.of("mirrors.yaml", document));
    admin.replaceNamespacedConfigMap(NAME, ns, cm).execute();
  }

  private static long rssKib(Process p, String field) throws Exception {
    return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
        .filter(l -> l.startsWith(field + ":"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst()
        .orElseThrow();
  }
}
