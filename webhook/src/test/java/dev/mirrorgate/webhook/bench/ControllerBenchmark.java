package dev.mirrorgate.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.ShippedEnvironment;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller's figures (issue 10), with the real jar, the JVM flags its Deployment ships and a
 * real API server: RegistryMirror created → mirrorgate-mirrors lists it (p50, max), 200
 * RegistryMirrors reconciled from a cold start, and RSS with 200 mirrors. Not a test: run it with
 * {@code bash .ci/bench-controller}; it prints a Markdown table and writes it to {@code
 * webhook/target/bench/controller.md}.
 */
class ControllerBenchmark {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  static final Path DEPLOYMENT =
      Path.of("..", "manifests", "kustomize", "controller", "deployment.yaml");
  static final int ONE_BY_ONE = Integer.getInteger("bench.oneByOne", 50);
  static final int COLD = Integer.getInteger("bench.cold", 200);

  /**
   * Before the RSS is read: NMT (when enabled), heap, classes, threads, smaps of the controller.
   */
  static final boolean DIAGNOSE = Boolean.getBoolean("bench.diagnose");

  /** Replaces the shipped JAVA_TOOL_OPTIONS, to compare flags. */
  static final String JVM_FLAGS = System.getenv("MIRRORGATE_BENCH_JVM_FLAGS");

  private final ControllerFixture fixture = new ControllerFixture(api);
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  /** Where the controllers' logs stay after the run. */
  static final Path LOGS = Path.of("target", "bench");

  private Process controller(String namespace, String name) throws Exception {
    Files.createDirectories(LOGS);
    Map<String, String> env = ShippedEnvironment.of(DEPLOYMENT);
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "controller",
                "--namespace=" + namespace,
                "--port=0",
                "--bind-address=127.0.0.1",
                "--tls-self-signed",
                "--kubeconfig=" + api.kubeconfig())
            .redirectOutput(LOGS.resolve(name + ".out").toFile())
            .redirectError(LOGS.resolve(name + ".log").toFile());
    builder.environment().putAll(env);
    if (JVM_FLAGS != null) {
      builder.environment().put("JAVA_TOOL_OPTIONS", JVM_FLAGS);
    }
    builder.environment().put("POD_NAME", name);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** A RegistryMirror of its own upstream. */
  private static com.fasterxml.jackson.databind.node.ObjectNode mirror(String name) {
    return ControllerFixture.yaml(
        """
        apiVersion: mirrorgate.dev/v1alpha1
        kind: RegistryMirror
        metadata: {name: %s}
        spec: {upstream: %s.example.com}
        """
            .formatted(name, name));
  }

  @Test
  void figures() throws Exception {
    fixture.installCrds();
    KubeRest rest = fixture.rest();
    StringBuilder report = new StringBuilder();
    report.append("| figure | result | target |\n|---|---|---|\n");

    // 1. One RegistryMirror at a time: created → listed in mirrorgate-mirrors.
    String ns = api.createNamespace("mirrorgate");
    Process first = controller(ns, "bench-one");
    Map<String, Long> listedAt = new ConcurrentHashMap<>();
    Pattern name = Pattern.compile("(?m)^\\s*- name: (\\S+)$");
    try (Informer mirrorsDocument =
        new Informer(
            new KubeRest(api.clientFor(api.token(), Duration.ZERO), ControllerFixture.JSON),
            ApiResource.CONFIG_MAPS,
            ListQuery.in(ns).withFields("metadata.name=mirrorgate-mirrors"))) {
      mirrorsDocument.onChange(
          cm -> {
            long now = System.nanoTime();
            Matcher m = name.matcher(cm.node().path("data").path("mirrors.yaml").asText());
            while (m.find()) {
              listedAt.putIfAbsent(m.group(1), now);
            }
          });
      mirrorsDocument.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> leader(rest, ns).isPresent());
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < ONE_BY_ONE; i++) {
        String mirror = "one-" + i;
        long created = System.nanoTime();
        rest.apply(MirrorSources.REGISTRY_MIRRORS, mirror(mirror));
        await().atMost(Duration.ofSeconds(30)).until(() -> listedAt.containsKey(mirror));
        latencies.add((listedAt.get(mirror) - created) / 1_000_000);
      }
      Collections.sort(latencies);
      report.append(
          "| RegistryMirror created → listed in mirrorgate-mirrors (%d, one at a time) | p50 %d ms, p90 %d ms, max %d ms | p50 ≤ 200 ms, max ≤ 1 s |\n"
              .formatted(
                  ONE_BY_ONE,
                  latencies.get(latencies.size() / 2),
                  latencies.get(latencies.size() * 9 / 10),
                  latencies.get(latencies.size() - 1)));
    }
    first.destroy();
    first.waitFor();

    // 2. A cold start: COLD RegistryMirrors exist, none of their objects does (a new namespace).
    for (int i = ONE_BY_ONE; i < COLD; i++) {
      rest.apply(MirrorSources.REGISTRY_MIRRORS, mirror("one-" + i));
    }
    String cold = api.createNamespace("mirrorgate");
    long started = System.nanoTime();
    Process second = controller(cold, "bench-cold");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> reconciled(rest, cold) >= COLD);
    long coldMillis = (System.nanoTime() - started) / 1_000_000;
    report.append(
        "| %d RegistryMirrors reconciled from a cold start (process start → every StatefulSet and the document) | %d ms | ≤ 5 s |\n"
            .formatted(COLD, coldMillis));

    // 3. RSS with COLD mirrors, once idle.
    await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
    long rssKib = rss(second.pid());
    report.append(
        "| controller RSS with %d mirrors (%s), idle | %d MiB | ≤ 160 MiB |\n"
            .formatted(
                COLD,
                JVM_FLAGS == null
                    ? "shipped JAVA_TOOL_OPTIONS"
                    : "JAVA_TOOL_OPTIONS replaced by: " + JVM_FLAGS,
                rssKib / 1024));

    Path out = Path.of("target", "bench");
    Files.createDirectories(out);
    if (DIAGNOSE) {
      Diagnosis.write(second.pid(), out.resolve("controller-cold-diagnose.txt"));
    }
    Files.writeString(out.resolve("controller.md"), report);
    System.out.println(report);
    assertThat(second.isAlive()).as("the controller ran to the end").isTrue();
  }

  private static java.util.Optional<String> leader(KubeRest rest, String ns) throws Exception {
    return rest.get(ApiResource.LEASES, ns, "mirrorgate-controller")
        .map(l -> l.node().at("/spec/holderIdentity").asText(""))
        .filter(h -> !h.isEmpty());
  }

  private static int reconciled(KubeRest rest, String ns) throws Exception {
    int statefulSets =
        rest.list(ApiResource.STATEFUL_SETS, ListQuery.in(ns), null).getItems().size();
    int listed =
        rest.get(ApiResource.CONFIG_MAPS, ns, "mirrorgate-mirrors")
            .map(KubeObject::node)
            .map(n -> n.path("data").path("mirrors.yaml").asText())
            .map(text -> (int) text.lines().filter(l -> l.strip().startsWith("- name: ")).count())
            .orElse(0);
    return Math.min(statefulSets, listed);
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }
}
