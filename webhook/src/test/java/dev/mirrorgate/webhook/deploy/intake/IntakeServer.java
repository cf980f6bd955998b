package dev.mirrorgate.webhook.deploy.intake;

import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.ControllerServer;
import dev.mirrorgate.webhook.owned.TestCa;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller's HTTPS server with the push intake mounted, as the controller assembles it (two
 * event loops, the same server class), over TLS from a test CA, on 127.0.0.1.
 */
final class IntakeServer implements AutoCloseable {
  private final Vertx vertx =
      Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
  private final ControllerMetrics metrics = new ControllerMetrics();
  private final ControllerServer server;
  private final HttpClient client;

  IntakeServer(TestCa ca, TokenSource tokens, PushSink sink, boolean allowUnauthenticated)
      throws Exception {
    server =
        new ControllerServer(
            vertx, "127.0.0.1", 0, TlsMaterial.of(ca.loopback()), () -> true, metrics);
    new PushIntake(
            vertx,
            tokens,
            sink,
            allowUnauthenticated,
            new IntakeMetrics(metrics.registry()),
            new RecentEventIds(RecentEventIds.CAPACITY, RecentEventIds.TTL, System::nanoTime))
        .mount(server.router());
    server.start().await(30, TimeUnit.SECONDS);
    client =
        HttpClient.newBuilder()
            .sslContext(ca.clientContext())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  int port() {
    return server.port();
  }

  String url(String path) {
    return "https://127.0.0.1:" + port() + path;
  }

  /** POSTs {@code body} to {@code path} with {@code headers}. */
  HttpResponse<String> post(String path, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a counter of the Prometheus text, 0 when absent. */
  double metric(String name, Map<String, String> labels) {
    return ControllerMetricsText.value(metrics.scrape(), name, labels);
  }

  String scrape() {
    return metrics.scrape();
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
