package dev.mirrorgate.webhook.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * One event loop's share of the HTTPS server. Routes: {@code POST /mutate}, {@code GET /healthz},
 * {@code /livez}, {@code /readyz} and {@code /metrics}.
 */
final class WebhookVerticle extends VerticleBase {
  /** Bodies above this get 413: the API server's own request limit is 3 MiB per object. */
  static final long MAX_BODY_BYTES = 7L * 1024 * 1024;

  private final WebhookServer shared;
  private final BodyCollector bodies = new BodyCollector(MAX_BODY_BYTES);
  private HttpServer server;

  WebhookVerticle(WebhookServer shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HealthCheckHandler alive = HealthCheckHandler.create(vertx);
    alive.register(
        "event-loop", promise -> promise.complete(io.vertx.ext.healthchecks.Status.OK()));
    router.get("/healthz").handler(alive);
    router.get("/livez").handler(alive);
    HealthCheckHandler ready = HealthCheckHandler.create(vertx);
    ready.register(
        "mapping",
        promise ->
            promise.complete(
                shared.mappingLoaded()
                    ? io.vertx.ext.healthchecks.Status.OK()
                    : io.vertx.ext.healthchecks.Status.KO()));
    router.get("/readyz").handler(ready);
    router.get("/metrics").handler(this::metrics);

    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(shared.tls().keyCertOptions())
            .setHost(shared.host())
            .setPort(shared.bindPort())
            .setIdleTimeout(120);
    server =
        vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  // /mutate is the hot path: straight to the admission service, no router.
                  if (request.method() == HttpMethod.POST && "/mutate".equals(request.path())) {
                    mutate(request);
                  } else {
                    router.handle(request);
                  }
                });
    return server.listen().onSuccess(shared::started);
  }

  @Override
  public Future<?> stop() {
    shared.stopped(server);
    return server.shutdown(java.time.Duration.ofSeconds(5));
  }

  private void mutate(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    bodies.collect(
        request,
        body -> {
          if (type != null
              && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            send(
                request.response(),
                Answer.error(
                    415, "unsupported Content-Type \"" + type + "\": expected application/json"));
          } else {
            send(
                request.response(),
                shared.admission().handle(body.array(), body.offset(), body.length()));
          }
        });
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(shared.metrics().scrape());
  }

  private static void send(HttpServerResponse response, Answer answer) {
    response
        .setStatusCode(answer.status())
        .putHeader("Content-Type", answer.contentType())
        .end(Buffer.buffer(answer.body()));
  }
}
