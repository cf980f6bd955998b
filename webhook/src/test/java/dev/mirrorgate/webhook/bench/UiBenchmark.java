package dev.mirrorgate.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.ui.ControllerUi;
import dev.mirrorgate.webhook.ui.RealUi;
import dev.mirrorgate.webhook.ui.TestImageUpdates;
import dev.mirrorgate.webhook.ui.UiClient;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI under a realistic size: 1,000 tracked containers (the workload index port, in memory) and
 * 1,000 real ImageUpdates in a real API server (100 Pending, the rest finished), 1,000 decisions.
 * Every page and API list is requested {@value #ROUNDS} times after {@value #WARM_UP} warm-up
 * requests, one at a time; it prints the server-side p50/p95 (the UI's own request timer, from the
 * arrival of the request to the end of its answer), the client-side p95 over loopback TLS, and the
 * bytes each answer transfers (identity and gzip). Run it with {@code bash .ci/bench-ui}; it is not
 * part of the test suite.
 */
class UiBenchmark {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final int SIZE = 1000;
  static final int WARM_UP = 200;
  static final int ROUNDS = 500;
  static final List<String> PATHS =
      List.of(
          "/",
          "/workloads",
          "/workloads?page=10",
          "/approvals",
          "/history",
          "/simulate",
          "/api/v1/workloads",
          "/api/v1/workloads?limit=1000",
          "/api/v1/updates",
          "/api/v1/updates?limit=1000",
          "/api/v1/updates?phase=Pending",
          "/api/v1/mirrors",
          "/api/v1/registries",
          "/api/v1/decisions");

  @Test
  void pagesAndListsWithAThousandWorkloadsAndUpdates() throws Exception {
    ControllerFixture fixture = new ControllerFixture(api);
    fixture.installCrds();
    KubeRest admin = new KubeRest(api.client(), new ObjectMapper());
    String controllerNs = api.createNamespace("mirrorgate");
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      namespaces.add(api.createNamespace("team-" + i));
    }
    long created = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> writes = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofDays(1));
    for (int i = 0; i < SIZE; i++) {
      int n = i;
      writes.add(
          pool.submit(
              () -> {
                String ns = namespaces.get(n % namespaces.size());
                boolean pending = n % 10 == 0;
                TestImageUpdates.create(
                    admin,
                    ns,
                    "iu-" + n,
                    "app-" + n,
                    "app",
                    "ghcr.io/acme/app-" + n + ":1.0." + n,
                    "ghcr.io/acme/app-" + n + ":1.1." + n,
                    pending ? 2 : 0,
                    pending ? deadline : null,
                    pending ? "Pending" : (n % 3 == 0 ? "Rejected" : "Applied"));
                return null;
              }));
    }
    for (Future<?> write : writes) {
      write.get();
    }
    pool.shutdown();
    System.err.printf(
        "[bench] %d ImageUpdates created in %d ms%n",
        SIZE, (System.nanoTime() - created) / 1_000_000);

    List<TrackedWorkload> workloads = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < SIZE; i++) {
      String ns = namespaces.get(i % namespaces.size());
      workloads.add(
          new TrackedWorkload(
              ns,
              "Deployment",
              "app-" + i,
              "app",
              "ghcr.io/acme/app-" + i + ":1.0." + i + "@sha256:" + "ab".repeat(32),
              "keel.sh/policy=minor",
              i % 4 == 0 ? "poll" : "push"));
      decisions.add(
          new Decision(
              now.minusSeconds(i),
              ns,
              "Deployment",
              "app-" + i,
              "app",
              "ghcr.io/acme/app-" + i + ":1.0." + i,
              "keel.sh/policy=minor",
              "registry",
              i % 2 == 0 ? UpdateDecision.Outcome.UPDATE : UpdateDecision.Outcome.REFUSED,
              i % 2 == 0 ? "ghcr.io/acme/app-" + i + ":1.1." + i : null,
              "minor accepts 1.1." + i));
    }
    try (RealUi ui =
        new RealUi(
            api,
            controllerNs,
            new ControllerUi.Ports(() -> workloads, () -> decisions, p -> List.of()))) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> ui.synced() && ui.ui.data().updates().all().size() == SIZE);
      UiClient client = ui.client();
      String alice = UiClient.basic("alice", "wonderland");
      for (String path : PATHS) {
        for (int i = 0; i < WARM_UP; i++) {
          assertThat(client.get(path, "Authorization", alice).statusCode()).as(path).isEqualTo(200);
        }
      }
      ui.metrics.clear();
      StringBuilder table = new StringBuilder();
      table.append(
          "| request | server p50 ms | server p95 ms | client p95 ms | bytes | gzip bytes |\n");
      table.append("|---|---|---|---|---|---|\n");
      for (String path : PATHS) {
        long[] client95 = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
          long start = System.nanoTime();
          HttpResponse<String> response = client.get(path, "Authorization", alice);
          client95[i] = System.nanoTime() - start;
          assertThat(response.statusCode()).isEqualTo(200);
        }
        Arrays.sort(client95);
        String route = route(path);
        Timer timer =
            ui.metrics
                .find("mirrorgate.ui.requests")
                .tag("route", route)
                .tag("status", "200")
                .timer();
        HistogramSnapshot snapshot = timer.takeSnapshot();
        double p50 = 0;
        double p95 = 0;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
          if (v.percentile() == 0.5) {
            p50 = v.value(TimeUnit.MILLISECONDS);
          }
          if (v.percentile() == 0.95) {
            p95 = v.value(TimeUnit.MILLISECONDS);
          }
        }
        ui.metrics.remove(timer);
        int bytes =
            client
                .get(path, "Authorization", alice)
                .body()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length;
        int gzip = gzipBytes(ui, path, alice);
        table.append(
            String.format(
                "| `%s` | %.1f | %.1f | %.1f | %,d | %,d |%n",
                path, p50, p95, client95[(int) (ROUNDS * 0.95)] / 1e6, bytes, gzip));
      }
      String load = Files.readString(Path.of("/proc/loadavg")).strip();
      String report = table + "\nload average at the end (1, 5, 15 min): " + load + "\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "ui-bench.md"), report);
    }
  }

  static String route(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** The size of the answer as it crosses the wire for a client that accepts gzip. */
  static int gzipBytes(RealUi ui, String path, String authorization) throws Exception {
    var http =
        java.net.http.HttpClient.newBuilder()
            .sslContext(sslFor(ui))
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    HttpResponse<byte[]> response =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui.url(path)))
                .header("Authorization", authorization)
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    return response.body().length;
  }

  static javax.net.ssl.SSLContext sslFor(RealUi ui) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ui.caCertificate());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
