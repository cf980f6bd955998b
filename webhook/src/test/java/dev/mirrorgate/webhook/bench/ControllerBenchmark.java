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

  /** The jar under test; MIRRORGATE_BENCH_JAR runs another (an older build, a variant). */
  static final Path JAR =
      Path.of(
          System.getenv().getOrDefault("MIRRORGATE_BENCH_JAR", "target/mirrorgate-webhook.jar"));

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
  void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroy(); // a clean exit: a profiler given in the extra flags writes its file
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
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
                // as the Deployment does: its certificate kept in a Secret (its own PKI creates it)
                "--tls-secret=" + namespace + "/mirrorgate-controller-tls",
                "--kubeconfig=" + api.kubeconfig())
            .redirectOutput(LOGS.resolve(name + ".out").toFile())
            .redirectError(LOGS.resolve(name + ".log").toFile());
    String args = System.getenv("MIRRORGATE_BENCH_CONTROLLER_ARGS"); // to compare settings
    if (args != null && !args.isBlank()) {
      builder.command().addAll(List.of(args.trim().split("\\s+")));
    }
    builder.environment().putAll(env);
    if (JVM_FLAGS != null) {
      builder.environment().put("JAVA_TOOL_OPTIONS", JVM_FLAGS);
    }
    String extra = System.getenv("MIRRORGATE_BENCH_EXTRA_JVM_FLAGS"); // e.g. a profiler, to look
    if (extra != null && !extra.isBlank()) {
      builder.environment().merge("JAVA_TOOL_OPTIONS", extra, (a, b) -> a + " " + b);
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
      // Measured once the controller works as leader: the Lease names it and it has written the
      // (empty) document, its first act after its informers synced. A Lease holder alone is not
      // enough: client-java notices a won Lease up to a retry period (2 s) later, and a mirror
      // created meanwhile measures the start, not the steady state.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> leader(rest, ns).isPresent() && !mirrorsDocument.list().isEmpty());
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < ONE_BY_ONE; i++) {
        String mirror = "one-" + i;
        long created = System.nanoTime();
        rest.apply(MirrorSources.REGISTRY_MIRRORS, mirror(mirror));
        await().atMost(Duration.ofSeconds(30)).until(() -> listedAt.containsKey(mirror));
        latencies.add((listedAt.get(mirror) - created) / 1_000_000);
      }
      long firstLatency = latencies.get(0);
      Collections.sort(latencies);
      report.append(
          "| RegistryMirror created → listed in mirrorgate-mirrors (%d, one at a time, the first %d ms) | p50 %d ms, p90 %d ms, max %d ms | p50 ≤ 200 ms, max ≤ 1 s |\n"
              .formatted(
                  ONE_BY_ONE,
                  firstLatency,
                  latencies.get(latencies.size() / 2),
                  latencies.get(latencies.size() * 9 / 10),
                  latencies.get(latencies.size() - 1)));
    }
    first.destroy();
    first.waitFor();

    // 2. A cold start: COLD RegistryMirrors exist, none of their objects does (a new namespace).
    // Watched, not polled: listing 200 StatefulSets every few ms would load the API server the
    // controller is measured against.
    for (int i = ONE_BY_ONE; i < COLD; i++) {
      rest.apply(MirrorSources.REGISTRY_MIRRORS, mirror("one-" + i));
    }
    String cold = api.createNamespace("mirrorgate");
    KubeRest watches =
        new KubeRest(api.clientFor(api.token(), Duration.ZERO), ControllerFixture.JSON);
    List<Informer> watching =
        List.of(
            new Informer(
                watches,
                ApiResource.STATEFUL_SETS,
                ListQuery.in(cold),
                Informer.WITHOUT_MANAGED_FIELDS),
            new Informer(
                watches, ApiResource.SERVICES, ListQuery.in(cold), Informer.WITHOUT_MANAGED_FIELDS),
            new Informer(
                watches,
                ApiResource.CONFIG_MAPS,
                ListQuery.in(cold).withFields("metadata.name=mirrorgate-mirrors"),
                Informer.WITHOUT_MANAGED_FIELDS),
            new Informer(
                watches,
                MirrorSources.REGISTRY_MIRRORS,
                ListQuery.all(),
                Informer.WITHOUT_MANAGED_FIELDS));
    watching.forEach(Informer::start);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> watching.stream().allMatch(Informer::hasSynced));
    Map<String, Long> cpuBefore = controlPlaneCpu();
    long started = System.nanoTime();
    long startedWall = System.currentTimeMillis();
    Process second = controller(cold, "bench-cold");
    long[] listedAndSet = {0};
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              if (listedAndSet[0] == 0
                  && Math.min(watching.get(0).list().size(), listed(watching.get(2))) >= COLD) {
                listedAndSet[0] = System.nanoTime();
              }
              return listedAndSet[0] != 0
                  && statusWritten(watching.get(1), watching.get(3)) >= COLD;
            });
    long doneNanos = System.nanoTime();
    long doneWall = System.currentTimeMillis();
    Map<String, Long> cpuAfter = controlPlaneCpu();
    cpuAfter.put("controller", cpuMillis(second.pid()));
    watching.forEach(Informer::close);
    long coldMillis = (listedAndSet[0] - started) / 1_000_000;
    long statusMillis = (doneNanos - started) / 1_000_000;
    Timeline timeline = Timeline.of(LOGS.resolve("bench-cold.log"));
    report.append(
        "| %d RegistryMirrors reconciled from a cold start (process start → every StatefulSet and the document) | %d ms | ≤ 5 s |\n"
            .formatted(COLD, coldMillis));
    report.append(
        "| ... and every status written (status.address = the Service's ClusterIP) | %d ms | |\n"
            .formatted(statusMillis));
    report.append(
        "| ... of which: process start → first log line %d ms, → informers started %d ms, → leading with informers synced %d ms; leading → all reconciled %d ms | | |\n"
            .formatted(
                timeline.firstLog() - startedWall,
                timeline.informersStarted() - startedWall,
                timeline.leading() - startedWall,
                doneWall - timeline.leading()));
    report.append(
        "| ... CPU used meanwhile: controller %d ms, kube-apiserver %d ms, etcd %d ms; writes: %d applies, %d mirrors document writes | | |\n"
            .formatted(
                cpuAfter.get("controller"),
                cpuAfter.getOrDefault("kube-apiserver", 0L)
                    - cpuBefore.getOrDefault("kube-apiserver", 0L),
                cpuAfter.getOrDefault("etcd", 0L) - cpuBefore.getOrDefault("etcd", 0L),
                timeline.applies(),
                timeline.documentWrites()));

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
    assertThat(second.isAlive()).as("the controller ran to the end").isTrue();

    // 4. A restart over converged mirrors (an upgrade, a crash, a node drained): the COLD mirrors
    // and every object of theirs exist; a new process must look at each mirror once and write
    // nothing. Done = its log line "reconciled every key queued" for the mirrors' loop.
    second.destroy();
    second.waitFor();
    Map<String, Long> cpuBeforeRestart = controlPlaneCpu();
    long restartWall = System.currentTimeMillis();
    Process third = controller(cold, "bench-restart");
    Path restartLog = LOGS.resolve("bench-restart.log");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Timeline.of(restartLog).mirrorsCaughtUp() != 0);
    Map<String, Long> cpuAfterRestart = controlPlaneCpu();
    cpuAfterRestart.put("controller", cpuMillis(third.pid()));
    Timeline restart = Timeline.of(restartLog);
    report.append(
        "| %d RegistryMirrors, a restart with all their objects in place (process start → each mirror reconciled once) | %d ms | |\n"
            .formatted(COLD, restart.mirrorsCaughtUp() - restartWall));
    report.append(
        "| ... of which: process start → first log line %d ms, → leading with informers synced %d ms; leading → all reconciled %d ms; CPU controller %d ms, kube-apiserver %d ms, etcd %d ms; writes: %d applies, %d mirrors document writes | | |\n"
            .formatted(
                restart.firstLog() - restartWall,
                restart.leading() - restartWall,
                restart.mirrorsCaughtUp() - restart.leading(),
                cpuAfterRestart.get("controller"),
                cpuAfterRestart.getOrDefault("kube-apiserver", 0L)
                    - cpuBeforeRestart.getOrDefault("kube-apiserver", 0L),
                cpuAfterRestart.getOrDefault("etcd", 0L)
                    - cpuBeforeRestart.getOrDefault("etcd", 0L),
                restart.applies(),
                restart.documentWrites()));
    Files.writeString(out.resolve("controller.md"), report);
    System.out.println(report);
    assertThat(restart.applies()).as("a restart over converged mirrors writes nothing").isZero();
  }

  private static java.util.Optional<String> leader(KubeRest rest, String ns) throws Exception {
    return rest.get(ApiResource.LEASES, ns, "mirrorgate-controller")
        .map(l -> l.node().at("/spec/holderIdentity").asText(""))
        .filter(h -> !h.isEmpty());
  }

  /** How many mirrors the document lists. */
  private static int listed(Informer document) {
    return document.list().stream()
        .map(KubeObject::node)
        .map(n -> n.path("data").path("mirrors.yaml").asText())
        .mapToInt(text -> (int) text.lines().filter(l -> l.strip().startsWith("- name: ")).count())
        .sum();
  }

  /** How many RegistryMirrors show the ClusterIP of their Service in this namespace. */
  private static int statusWritten(Informer services, Informer mirrors) {
    Map<String, String> clusterIps = new java.util.HashMap<>();
    for (KubeObject service : services.list()) {
      clusterIps.put(service.name(), service.node().at("/spec/clusterIP").asText());
    }
    int written = 0;
    for (KubeObject mirror : mirrors.list()) {
      String ip = clusterIps.get("registry-mirror-" + mirror.name());
      if (ip != null && ip.equals(mirror.node().at("/status/address").asText())) {
        written++;
      }
    }
    return written;
  }

  /** CPU time (user + system) of the API server's processes, by command name. */
  private static Map<String, Long> controlPlaneCpu() {
    Map<String, Long> cpu = new java.util.HashMap<>();
    ProcessHandle.current()
        .descendants()
        .forEach(
            p -> {
              String command =
                  p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
              if (command.equals("kube-apiserver") || command.equals("etcd")) {
                cpu.merge(command, cpuMillis(p.pid()), Long::sum);
              }
            });
    return cpu;
  }

  /** utime + stime of {@code pid} in milliseconds (clock ticks of 10 ms). */
  private static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Moments of the controller's start, read from its JSON log. */
  record Timeline(
      long firstLog,
      long informersStarted,
      long leading,
      long mirrorsCaughtUp,
      int applies,
      int documentWrites) {
    static Timeline of(Path log) throws java.io.IOException {
      long first = 0;
      long informers = 0;
      long leading = 0;
      long caughtUp = 0;
      int applies = 0;
      int documents = 0;
      for (String line : Files.readAllLines(log)) {
        if (!line.startsWith("{")) {
          continue;
        }
        com.fasterxml.jackson.databind.JsonNode entry = ControllerFixture.JSON.readTree(line);
        long at = java.time.Instant.parse(entry.path("@timestamp").asText()).toEpochMilli();
        String message = entry.path("message").asText();
        if (first == 0) {
          first = at;
        }
        if (informers == 0 && message.startsWith("watching ")) {
          informers = at;
        }
        if (leading == 0 && message.matches("queued \\d+ keys \\(became leader\\)")) {
          leading = at;
        }
        if (caughtUp == 0
            && message.equals("reconciled every key queued")
            && entry.path("controller").asText().equals("registrymirror")) {
          caughtUp = at;
        }
        if (message.equals("applied")) {
          applies++;
        }
        if (message.equals("mirrors document written")) {
          documents++;
        }
      }
      return new Timeline(first, informers, leading, caughtUp, applies, documents);
    }
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
