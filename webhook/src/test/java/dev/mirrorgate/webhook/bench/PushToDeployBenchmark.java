package dev.mirrorgate.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.common.testing.ShippedEnvironment;
import dev.mirrorgate.common.testing.TestPki;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push-to-deploy against Keel (issue 13), in one run on one real API server: one Debian {@code
 * docker-registry} notifies both tools of every push — Keel at {@code /v1/webhooks/registry} over
 * plain HTTP on its port, mirrorgate's intake over HTTPS with a Bearer token — and skopeo pushes.
 * Every tracked Deployment follows its own repository, and each tool has its own copy of the 1,000
 * Deployments in its own namespace: Keel watches only namespace A ({@code RESTRICTED_NAMESPACE}),
 * and A's Deployments carry {@code mirrorgate.dev/policy: never} (which Keel does not read), so one
 * push rolls exactly one Deployment per tool and neither takes the other's update. Latency is from
 * the push announced (the registry's notification of the manifest push arriving at a third
 * endpoint, the benchmark's own, which the registry serves from its own queue like the tools') to
 * the patched Deployment seen by a watch on the API server. Not from skopeo's exit: the registry
 * notifies as soon as it stored the manifest, and a fast tool patches before skopeo has exited.
 *
 * <p>Phases: (1) Keel beside mirrorgate with {@code --debounce=0}; (2) the same Keel beside a fresh
 * mirrorgate with the default debounce; (3) Keel stopped and A's Deployments deleted, a fresh
 * mirrorgate with only its own 1,000 (its RSS against Keel's); (4) 5,000 Deployments, a fresh
 * mirrorgate; (5) Keel alone on the 5,000. mirrorgate is the real jar with the JVM flags and
 * environment of manifests/kustomize/controller/deployment.yaml. Not a test: run it with {@code
 * bash .ci/bench-deploy}, which prints a Markdown report (also in {@code
 * webhook/target/bench/deploy.md}). Without {@code MIRRORGATE_KEEL} (the path of a keel binary,
 * built by hand: docs/benchmarks.md), the Keel half is skipped and said so.
 */
class PushToDeployBenchmark {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  static final Path MANIFEST =
      Path.of("..", "manifests", "kustomize", "controller", "deployment.yaml");
  static final Path OUT = Path.of("target", "bench");
  static final int WORKLOADS = Integer.getInteger("bench.workloads", 1000);
  static final int LARGE = Integer.getInteger("bench.large", 5000);
  static final int PUSHES = Integer.getInteger("bench.pushes", 100);
  static final int WARMUP = Integer.getInteger("bench.warmup", 20);
  static final int LARGE_PUSHES = Integer.getInteger("bench.largePushes", 30);

  /** Keel listens on this port, always (types.KeelDefaultPort). */
  static final int KEEL_PORT = 9300;

  /** Which phases run (digits 1-5, see above); all by default. */
  static final String PHASES = System.getProperty("bench.phases", "12345");

  /** Before each mirrorgate stops: NMT (when enabled), heap and class histogram, smaps. */
  static final boolean DIAGNOSE = Boolean.getBoolean("bench.diagnose");

  /**
   * Where Keel keeps its SQLite database (its audit log and approvals); the run's temporary
   * directory by default (this VM's ext4), e.g. /dev/shm to see what its disk writes cost.
   */
  static final String KEEL_DATA = System.getProperty("bench.keelData", "");

  /** Replaces the shipped JAVA_TOOL_OPTIONS, to compare flags. */
  static final String JVM_FLAGS = System.getenv("MIRRORGATE_BENCH_JVM_FLAGS");

  static final Duration PATCH_TIMEOUT = Duration.ofSeconds(30);
  static final String TOKEN = "bench-" + java.util.UUID.randomUUID();
  static final String REPOSITORY = "bench/app-%04d";

  @TempDir static Path dir;

  private final ControllerFixture fixture = new ControllerFixture(api);
  private final List<Process> processes = new ArrayList<>();
  private Processes procs;
  private final StringBuilder report = new StringBuilder();

  /** The time each Deployment was first seen with a tag: {@code ns/name/tag} → nanoTime. */
  private final Map<String, CompletableFuture<Long>> patched = new ConcurrentHashMap<>();

  /**
   * The registry's notification of each push as the benchmark's own endpoint received it: {@code
   * repository:tag} → nanoTime.
   */
  private final Map<String, CompletableFuture<Long>> announced = new ConcurrentHashMap<>();

  private com.sun.net.httpserver.HttpServer announcements;

  /** Repositories pushed so far: every push goes to a repository not pushed before. */
  private final java.util.Set<Integer> pushed = new java.util.HashSet<>();

  private long cursor;
  private Process registry;
  private int registryPort;
  private int intakePort;
  private int uiPort;
  private TestPki pki;
  private String controllerNs;
  private String keelNs;
  private String mirrorgateNs;
  private final List<Double> skopeoMillis = new ArrayList<>();

  /** Directories made outside the run's temporary directory, removed after it. */
  private final List<Path> elsewhere = new ArrayList<>();

  @AfterEach
  void stop() {
    if (announcements != null) {
      announcements.stop(0);
    }
    processes.forEach(
        p -> {
          p.destroy();
          try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    if (procs != null) {
      procs.close();
    }
    for (Path path : elsewhere) {
      try (var files = Files.walk(path)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("[PushToDeployBenchmark] not removed: " + path + ": " + e);
      }
    }
  }

  @Test
  void figures() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo", "openssl")) {
      assumeThat(Files.isExecutable(Path.of("/usr/bin", binary)))
          .as(binary + " is not installed (bash .ci/install-deps)")
          .isTrue();
    }
    assertThat(3 * (WARMUP + PUSHES))
        .as(
            "every push goes to a repository not pushed before: bench.pushes too high for bench.workloads")
        .isLessThanOrEqualTo(WORKLOADS);
    assertThat(3 * (WARMUP + PUSHES) + 2 * (WARMUP + LARGE_PUSHES))
        .as("bench.large too low for the pushes")
        .isLessThanOrEqualTo(LARGE);
    Optional<Path> keel = keelBinary();
    Files.createDirectories(OUT);
    procs = new Processes(dir);
    fixture.installCrds();
    controllerNs = api.createNamespace("mirrorgate");
    keelNs = api.createNamespace("keel");
    mirrorgateNs = api.createNamespace("apps");
    pki = TestPki.create(procs, dir.resolve("pki"), "localhost");
    ObjectNode tokens =
        ControllerFixture.yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: mirrorgate-webhook-tokens, namespace: %s}\n"
                .formatted(controllerNs));
    tokens
        .putObject("data")
        .put("bench", Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
    fixture.rest().create(ApiResource.SECRETS, tokens);

    intakePort = Registries.freePort();
    uiPort = Registries.freePort();
    registryPort = Registries.freePort();
    announcements = announcementEndpoint();
    registry = startRegistry(true, keel.isPresent());
    header(keel);

    // The Deployments: mirrorgate's in namespace B, Keel's copy in namespace A.
    long created = System.nanoTime();
    createDeployments(mirrorgateNs, 0, WORKLOADS, false);
    if (keel.isPresent()) {
      createDeployments(keelNs, 0, WORKLOADS, true);
    }
    report.append(
        "Created %d Deployments per tool in %.1f s.%n%n"
            .formatted(WORKLOADS, (System.nanoTime() - created) / 1e9));

    KubeRest watches =
        new KubeRest(api.clientFor(api.token(), Duration.ZERO), ControllerFixture.JSON);
    List<Informer> watchers = new ArrayList<>();
    for (String ns : keel.isPresent() ? List.of(mirrorgateNs, keelNs) : List.of(mirrorgateNs)) {
      Informer informer =
          new Informer(watches, ApiResource.DEPLOYMENTS, ListQuery.in(ns)).onChange(this::seen);
      informer.start();
      watchers.add(informer);
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> watchers.stream().allMatch(Informer::hasSynced));

    report.append(
        "| phase | tool | tracked by the tool | pushes | p50 ms | p90 ms | p99 ms | max ms | missed | RSS MiB (peak) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
    Process keelProcess = null;
    if (keel.isPresent()) {
      keelProcess = startKeel(keel.get(), keelNs, "keel-" + WORKLOADS);
      awaitKeelTracks(WORKLOADS);
    }

    // (1) and (2): Keel beside mirrorgate, --debounce=0 then the default.
    for (String debounce : List.of("0", "default")) {
      if (!PHASES.contains(debounce.equals("0") ? "1" : "2")) {
        continue;
      }
      Process mirrorgate = startMirrorgate("mirrorgate-debounce-" + debounce, debounce);
      String phase = "beside Keel, --debounce " + (debounce.equals("0") ? "0" : "default (500ms)");
      List<String> sides = new ArrayList<>(List.of(mirrorgateNs));
      if (keelProcess != null) {
        sides.add(keelNs);
      }
      pushes(WARMUP, sides, null);
      Map<String, List<Double>> latencies = new LinkedHashMap<>();
      pushes(PUSHES, sides, latencies);
      row(
          phase,
          "mirrorgate",
          keelProcess != null
              ? WORKLOADS + " (+" + WORKLOADS + " of Keel's, policy never)"
              : "" + WORKLOADS,
          latencies.get(mirrorgateNs),
          mirrorgate);
      if (keelProcess != null) {
        row(phase, "Keel", "" + WORKLOADS, latencies.get(keelNs), keelProcess);
      }
      scrape(mirrorgate, phase);
      stopMirrorgate(mirrorgate, "mirrorgate-debounce-" + debounce);
    }

    // (3) mirrorgate alone with its own 1,000.
    if (keelProcess != null) {
      stopProcess(keelProcess);
      deleteDeployments(keelNs, WORKLOADS);
      registry = startRegistry(true, false);
    }
    if (PHASES.contains("3")) {
      Process mirrorgate = startMirrorgate("mirrorgate-alone-" + WORKLOADS, "default");
      pushes(WARMUP, List.of(mirrorgateNs), null);
      Map<String, List<Double>> latencies = new LinkedHashMap<>();
      pushes(PUSHES, List.of(mirrorgateNs), latencies);
      row(
          "alone, default debounce",
          "mirrorgate",
          "" + WORKLOADS,
          latencies.get(mirrorgateNs),
          mirrorgate);
      stopMirrorgate(mirrorgate, "mirrorgate-alone-" + WORKLOADS);
    }

    // (4) 5,000 tracked workloads.
    if (PHASES.contains("4") || PHASES.contains("5")) {
      createDeployments(mirrorgateNs, WORKLOADS, LARGE, false);
    }
    if (PHASES.contains("4")) {
      Process mirrorgate = startMirrorgate("mirrorgate-alone-" + LARGE, "default");
      pushes(WARMUP, List.of(mirrorgateNs), null, LARGE);
      Map<String, List<Double>> latencies = new LinkedHashMap<>();
      pushes(LARGE_PUSHES, List.of(mirrorgateNs), latencies, LARGE);
      row(
          "alone, default debounce",
          "mirrorgate",
          "" + LARGE,
          latencies.get(mirrorgateNs),
          mirrorgate);
      stopMirrorgate(mirrorgate, "mirrorgate-alone-" + LARGE);
    }

    // (5) Keel alone on the same 5,000.
    if (keel.isPresent() && PHASES.contains("5")) {
      registry = startRegistry(false, true);
      Process large = startKeel(keel.get(), mirrorgateNs, "keel-" + LARGE);
      awaitKeelTracks(LARGE);
      pushes(WARMUP, List.of(mirrorgateNs), null, LARGE);
      Map<String, List<Double>> latencies = new LinkedHashMap<>();
      pushes(LARGE_PUSHES, List.of(mirrorgateNs), latencies, LARGE);
      row("alone", "Keel", "" + LARGE, latencies.get(mirrorgateNs), large);
      stopProcess(large);
    }

    List<Double> skopeo = new ArrayList<>(skopeoMillis);
    skopeo.sort(null);
    report.append(
        "%nskopeo per push (not in the latency): p50 %.0f ms, p90 %.0f ms over %d pushes.%n"
            .formatted(percentile(skopeo, 50), percentile(skopeo, 90), skopeo.size()));
    report.append("Load average after the run: %s%n".formatted(loadAverage()));
    watchers.forEach(Informer::close);
    Files.writeString(OUT.resolve("deploy.md"), report);
    System.out.println(report);
    assertThat(skopeo).isNotEmpty();
  }

  /** The keel binary named by MIRRORGATE_KEEL, or empty (said in the report). */
  private Optional<Path> keelBinary() {
    String path = System.getenv("MIRRORGATE_KEEL");
    if (path == null || path.isBlank()) {
      String why =
          "MIRRORGATE_KEEL is not set: the Keel half is skipped (build keel by hand as"
              + " docs/benchmarks.md says, then MIRRORGATE_KEEL=/path/to/keel bash .ci/bench-deploy)";
      System.err.println("[PushToDeployBenchmark] " + why);
      report.append("**").append(why).append("**\n\n");
      return Optional.empty();
    }
    Path binary = Path.of(path);
    assertThat(Files.isExecutable(binary))
        .as("MIRRORGATE_KEEL=" + path + " is not executable")
        .isTrue();
    return Optional.of(binary);
  }

  private void header(Optional<Path> keel) throws Exception {
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .orElse("?");
    report.append(
        "Machine: %d cores (%s); load average before the run: %s; JDK %s.%n"
            .formatted(
                Runtime.getRuntime().availableProcessors(),
                cpu,
                loadAverage(),
                System.getProperty("java.version")));
    report.append(
        "mirrorgate: %s controller, env %s%s.%n"
            .formatted(
                JAR.getFileName(),
                ShippedEnvironment.of(MANIFEST),
                JVM_FLAGS == null ? "" : ", JAVA_TOOL_OPTIONS replaced by: " + JVM_FLAGS));
    if (keel.isPresent()) {
      report.append(
          "Keel: %s, its database in %s.%n"
              .formatted(
                  keel.get(), KEEL_DATA.isEmpty() ? "the run's temporary directory" : KEEL_DATA));
    }
    report.append(
        ("%d Deployments per tool, each following its own repository of one registry; %d warm-up"
                + " pushes per phase, then %d pushes one at a time (each waits for the patches)."
                + " Latency: from the registry's notification of the push (as the benchmark's own"
                + " endpoint received it) to the patched Deployment seen by a watch.%n%n")
            .formatted(WORKLOADS, WARMUP, PUSHES));
  }

  private static String loadAverage() throws IOException {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " " + parts[1] + " " + parts[2];
  }

  /**
   * The registry, notifying mirrorgate's intake and Keel, or only the tools that run in the next
   * phases (a stopped endpoint would keep a backlog of retries for the next one). Its storage is
   * kept across restarts.
   */
  private Process startRegistry(boolean withMirrorgate, boolean withKeel) throws Exception {
    if (registry != null) {
      stopProcess(registry);
    }
    String keelEndpoint =
        """
                - name: keel
                  url: http://127.0.0.1:%d/v1/webhooks/registry
                  timeout: 5s
                  threshold: 5
                  backoff: 1s
            """
            .formatted(KEEL_PORT);
    String mirrorgateEndpoint =
        """
                - name: mirrorgate
                  url: https://localhost:%d/v1/webhooks/registry
                  headers:
                    Authorization: ["Bearer %s"]
                  timeout: 5s
                  threshold: 5
                  backoff: 1s
            """
            .formatted(intakePort, TOKEN);
    Path config =
        Files.writeString(
            dir.resolve("registry.yml"),
            """
            version: 0.1
            log: {level: warn}
            storage:
              filesystem: {rootdirectory: %s}
            http: {addr: 127.0.0.1:%d}
            notifications:
              endpoints:
                - name: benchmark
                  url: http://127.0.0.1:%d/announced
                  timeout: 5s
                  threshold: 5
                  backoff: 1s
            %s%s"""
                .formatted(
                    dir.resolve("registry-data"),
                    registryPort,
                    announcements.getAddress().getPort(),
                    withMirrorgate ? mirrorgateEndpoint : "",
                    withKeel ? keelEndpoint : ""));
    return Registries.start(
        procs, "registry", config, registryPort, Map.of("SSL_CERT_FILE", pki.caCert().toString()));
  }

  /**
   * Deployments {@code from}..{@code to}-1 in {@code ns}, each following its own repository, with
   * {@code keel.sh/policy: minor}; Keel's copy also says {@code mirrorgate.dev/policy: never}. A
   * realistic pod template (env, probes, resources, a volume), as both tools would cache it.
   */
  private void createDeployments(String ns, int from, int to, boolean keelsCopy) throws Exception {
    KubeRest rest = fixture.rest();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int n = i;
        all.add(
            pool.submit(() -> rest.create(ApiResource.DEPLOYMENTS, deployment(ns, n, keelsCopy))));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private ObjectNode deployment(String ns, int n, boolean keelsCopy) {
    String name = "app-%04d".formatted(n);
    String image = "127.0.0.1:%d/%s:1.0.0".formatted(registryPort, REPOSITORY.formatted(n));
    String never = keelsCopy ? "\n    mirrorgate.dev/policy: never" : "";
    return ControllerFixture.yaml(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
          labels: {app.kubernetes.io/name: %s, app.kubernetes.io/part-of: shop, team: payments}
          annotations:
            keel.sh/policy: minor%s
        spec:
          replicas: 2
          selector: {matchLabels: {app.kubernetes.io/name: %s}}
          template:
            metadata:
              labels: {app.kubernetes.io/name: %s, app.kubernetes.io/part-of: shop, team: payments}
              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}
            spec:
              serviceAccountName: default
              containers:
                - name: app
                  image: %s
                  ports: [{name: http, containerPort: 8080}]
                  env:
                    - {name: LOG_LEVEL, value: info}
                    - {name: DATABASE_URL, value: "postgres://db.shop.svc:5432/shop"}
                    - {name: CACHE_URL, value: "redis://cache.shop.svc:6379"}
                    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                  resources:
                    requests: {cpu: 100m, memory: 128Mi}
                    limits: {memory: 256Mi}
                  readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}
                  livenessProbe: {httpGet: {path: /live, port: http}, periodSeconds: 10}
                  volumeMounts: [{name: config, mountPath: /etc/app}]
              volumes: [{name: config, configMap: {name: %s-config}}]
        """
            .formatted(name, ns, name, never, name, name, image, name));
  }

  private void deleteDeployments(String ns, int count) throws Exception {
    KubeRest rest = fixture.rest();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "app-%04d".formatted(i);
        all.add(pool.submit(() -> rest.delete(ApiResource.DEPLOYMENTS, ns, name, null)));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The benchmark's own notification endpoint: records when the registry announced each pushed
   * manifest's tag (the moment the tools are told).
   */
  private com.sun.net.httpserver.HttpServer announcementEndpoint() throws IOException {
    var server =
        com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    server.createContext(
        "/announced",
        exchange -> {
          long now = System.nanoTime();
          try (exchange) {
            var envelope = json.readTree(exchange.getRequestBody());
            for (var event : envelope.path("events")) {
              String tag = event.at("/target/tag").asText("");
              if ("push".equals(event.path("action").asText()) && !tag.isEmpty()) {
                announcement(event.at("/target/repository").asText() + ":" + tag).complete(now);
              }
            }
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    return server;
  }

  private CompletableFuture<Long> announcement(String repositoryAndTag) {
    return announced.computeIfAbsent(repositoryAndTag, k -> new CompletableFuture<>());
  }

  /** A watch event of a Deployment: completes what waits for its tag. */
  private void seen(KubeObject deployment) {
    long now = System.nanoTime();
    String image = deployment.node().at("/spec/template/spec/containers/0/image").asText();
    String key = deployment.namespace() + "/" + deployment.name() + "/" + tagOf(image);
    CompletableFuture<Long> waiting = patched.get(key);
    if (waiting != null) {
      waiting.complete(now);
    }
  }

  static String tagOf(String image) {
    int at = image.indexOf('@');
    String withoutDigest = at < 0 ? image : image.substring(0, at);
    int colon = withoutDigest.lastIndexOf(':');
    return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "";
  }

  private void pushes(int count, List<String> namespaces, Map<String, List<Double>> out)
      throws Exception {
    pushes(count, namespaces, out, WORKLOADS);
  }

  /**
   * Pushes {@code count} new tags, one at a time, each to the next repository (in a stride that
   * visits all {@code of} of them); after each push, waits until every namespace's Deployment of
   * that repository shows the tag. Adds the latencies (ms) per namespace to {@code out}.
   */
  private void pushes(int count, List<String> namespaces, Map<String, List<Double>> out, int of)
      throws Exception {
    for (int k = 0; k < count; k++) {
      int n = freshRepository(of);
      String tag = "1.0.1";
      Map<String, CompletableFuture<Long>> waits = new LinkedHashMap<>();
      for (String ns : namespaces) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        patched.put(ns + "/app-%04d/%s".formatted(n, tag), f);
        waits.put(ns, f);
      }
      push(REPOSITORY.formatted(n), tag);
      long pushed =
          announcement(REPOSITORY.formatted(n) + ":" + tag)
              .get(PATCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      for (Map.Entry<String, CompletableFuture<Long>> wait : waits.entrySet()) {
        double millis;
        try {
          millis =
              (wait.getValue().get(PATCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS) - pushed) / 1e6;
        } catch (TimeoutException e) {
          millis = Double.NaN; // counted as missed
        }
        if (out != null) {
          out.computeIfAbsent(wait.getKey(), x -> new ArrayList<>()).add(millis);
        }
      }
    }
  }

  /**
   * The next repository (of the first {@code of}) not pushed before, in a stride that spreads the
   * pushes over all of them: every push rolls a Deployment still at its first tag.
   */
  private int freshRepository(int of) {
    for (int tries = 0; tries < of; tries++) {
      int n = (int) ((cursor++ * 7919L) % of);
      if (pushed.add(n)) {
        return n;
      }
    }
    throw new IllegalStateException("every one of the " + of + " repositories was pushed already");
  }

  /** Pushes a fresh one-layer image as {@code repository:tag}; returns when skopeo exited. */
  private long push(String repository, String tag) throws Exception {
    Path layout = Files.createTempDirectory(dir, "oci");
    OciImage.write(layout, tag, "content.txt", repository + " " + tag + " " + System.nanoTime());
    long started = System.nanoTime();
    Processes.Result result =
        procs.run(
            List.of(
                "skopeo",
                "copy",
                "--quiet",
                "--dest-tls-verify=false",
                "oci:" + layout + ":" + tag,
                "docker://127.0.0.1:" + registryPort + "/" + repository + ":" + tag));
    long done = System.nanoTime();
    assertThat(result.exit()).as(result.output()).isZero();
    skopeoMillis.add((done - started) / 1e6);
    try (var files = Files.walk(layout)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return done;
  }

  private Process startMirrorgate(String name, String debounce) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "controller",
                "--namespace=" + controllerNs,
                "--port=" + intakePort,
                "--ui-port=" + uiPort,
                "--bind-address=127.0.0.1",
                "--tls-cert=" + pki.serverCert(),
                "--tls-key=" + pki.serverKey(),
                "--kubeconfig=" + api.kubeconfig()));
    if (!debounce.equals("default")) {
      command.add("--debounce=" + debounce);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(OUT.resolve(name + ".out").toFile())
            .redirectError(OUT.resolve(name + ".log").toFile());
    builder.environment().putAll(ShippedEnvironment.of(MANIFEST));
    if (JVM_FLAGS != null) {
      builder.environment().put("JAVA_TOOL_OPTIONS", JVM_FLAGS);
    }
    builder.environment().put("POD_NAME", name);
    Process process = builder.start();
    processes.add(process);
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(pki.caCert())).build();
    await(name + " ready")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .failFast(name + " exited; see target/bench/" + name + ".log", () -> !process.isAlive())
        .until(
            () ->
                https
                        .send(
                            HttpRequest.newBuilder(
                                    URI.create("https://localhost:" + intakePort + "/readyz"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    return process;
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * Keel on loopback: {@code AUTH_MODE=external-proxy} is the mode in which it binds 127.0.0.1 (in
   * the others it listens on every interface); it watches only {@code ns}; its database in a
   * directory of its own.
   */
  private Process startKeel(Path binary, String ns, String name) throws Exception {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", KEEL_PORT));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + KEEL_PORT + " is taken: Keel always listens there; stop what holds it", e);
    }
    Path data =
        Files.createDirectories(
            KEEL_DATA.isEmpty()
                ? dir.resolve(name + "-data")
                : Files.createTempDirectory(Path.of(KEEL_DATA), name + "-data"));
    if (!KEEL_DATA.isEmpty()) {
      elsewhere.add(data);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AUTH_MODE", "external-proxy");
    env.put("XDG_DATA_HOME", data.toString());
    env.put("RESTRICTED_NAMESPACE", ns);
    env.put("HOME", data.toString());
    ProcessBuilder builder =
        new ProcessBuilder(
                binary.toString(), "--no-incluster", "--kubeconfig", api.kubeconfig().toString())
            .redirectErrorStream(true)
            .redirectOutput(OUT.resolve(name + ".log").toFile());
    builder.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    HttpClient http = HttpClient.newHttpClient();
    await(name + " healthy")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .failFast(name + " exited; see target/bench/" + name + ".log", () -> !process.isAlive())
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + KEEL_PORT + "/healthz"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    return process;
  }

  /**
   * Waits until Keel has cached {@code count} workloads: its watch buffer has taken that many adds
   * and holds none ({@code /metrics}). Its {@code /v1/tracked} would say it directly, but asks the
   * API server for nodes and pods per workload and does not answer within 20 s for 100 of them.
   */
  private void awaitKeelTracks(int count) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    java.util.regex.Pattern added =
        java.util.regex.Pattern.compile(
            "(?m)^kubernetes_event_buffer_events_total\\{event=\"add\"} (\\S+)$");
    java.util.regex.Pattern depth =
        java.util.regex.Pattern.compile("(?m)^kubernetes_event_buffer_queue_depth (\\S+)$");
    await("Keel caches " + count + " workloads")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              String metrics =
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + KEEL_PORT + "/metrics"))
                              .timeout(Duration.ofSeconds(10))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              java.util.regex.Matcher adds = added.matcher(metrics);
              java.util.regex.Matcher queued = depth.matcher(metrics);
              return adds.find()
                  && Double.parseDouble(adds.group(1)) >= count
                  && queued.find()
                  && Double.parseDouble(queued.group(1)) == 0;
            });
  }

  private void stopMirrorgate(Process mirrorgate, String name) throws Exception {
    if (DIAGNOSE) {
      diagnose(mirrorgate, name);
    }
    stopProcess(mirrorgate);
  }

  /** What the process holds: NMT (when on), heap, metaspace, classes, the kernel's view. */
  private void diagnose(Process process, String name) throws Exception {
    Diagnosis.write(process.pid(), OUT.resolve(name + "-diagnose.txt"));
  }

  private void stopProcess(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** mirrorgate's own view: window start → applied, from its metrics. */
  private void scrape(Process mirrorgate, String phase) throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(pki.caCert())).build();
    String metrics =
        https
            .send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + intakePort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Files.writeString(
        OUT.resolve(
            "metrics-" + phase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".txt"),
        metrics);
  }

  private void row(
      String phase, String tool, String tracked, List<Double> latencies, Process process)
      throws IOException {
    List<Double> done = new ArrayList<>(latencies.stream().filter(d -> !d.isNaN()).toList());
    done.sort(null);
    long missed = latencies.size() - done.size();
    long[] memory = memory(process.pid());
    report.append(
        "| %s | %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %d | %d (%d) |%n"
            .formatted(
                phase,
                tool,
                tracked,
                latencies.size(),
                percentile(done, 50),
                percentile(done, 90),
                percentile(done, 99),
                done.isEmpty() ? Double.NaN : done.get(done.size() - 1),
                missed,
                memory[0] / 1024,
                memory[1] / 1024));
    Files.writeString(
        OUT.resolve(
            "latencies-"
                + tool
                + "-"
                + phase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                + ".txt"),
        String.join("\n", latencies.stream().map(d -> "%.1f".formatted(d)).toList()) + "\n");
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** VmRSS and VmHWM in KiB. */
  private static long[] memory(long pid) throws IOException {
    long rss = 0;
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      } else if (line.startsWith("VmHWM:")) {
        hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {rss, hwm};
  }
}
