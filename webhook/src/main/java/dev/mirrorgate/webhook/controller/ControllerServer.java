package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.tls.TlsPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.function.BooleanSupplier;

/**
 * The controller's HTTPS port: {@code GET /healthz} (the process serves), {@code /readyz} (its
 * informers have synced, so it can answer for the cluster), {@code /metrics}; the push intake adds
 * its routes to {@link #router()}.
 */
public final class ControllerServer {

  private final Vertx vertx;
  private final Router router;
  private final String host;
  private final int port;
  private volatile TlsMaterial tls;
  private HttpServer server;

  public ControllerServer(
      Vertx vertx,
      String host,
      int port,
      TlsMaterial tls,
      BooleanSupplier ready,
      ControllerMetrics metrics) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.router = Router.router(vertx);
    HealthCheckHandler alive = HealthCheckHandler.create(vertx);
    alive.register("process", promise -> promise.complete(Status.OK()));
    router.get("/healthz").handler(alive);
    router.get("/livez").handler(alive);
    HealthCheckHandler readiness = HealthCheckHandler.create(vertx);
    readiness.register(
        "informers", promise -> promise.complete(ready.getAsBoolean() ? Status.OK() : Status.KO()));
    router.get("/readyz").handler(readiness);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
  }

  /** Where other parts of the controller add their routes, before {@link #start()}. */
  public Router router() {
    return router;
  }

  public Future<HttpServer> start() {
    HttpServerOptions options =
        TlsPolicy.apply(
            new HttpServerOptions()
                .setSsl(true)
                .setSslEngineOptions(TlsPolicy.engine())
                .setHost(host)
                .setPort(port)
                .setIdleTimeout(120),
            tls.keyCertOptions(),
            TlsPolicy.HANDSHAKE_TIMEOUT);
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The certificate being served. */
  public TlsMaterial tls() {
    return tls;
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** Serves {@code material} from now on (new handshakes), without dropping connections. */
  public Future<Boolean> updateTls(TlsMaterial material) {
    this.tls = material;
    return server == null
        ? Future.succeededFuture(false)
        : server.updateSSLOptions(
            TlsPolicy.serverOptions(material.keyCertOptions(), TlsPolicy.HANDSHAKE_TIMEOUT));
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
