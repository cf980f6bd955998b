package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.tls.TlsPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The UI and API port ({@code --ui-port}): HTTPS with the controller's certificate, renewed ones
 * served through {@link #updateTls} without dropping connections. Responses are gzip-compressed for
 * clients that accept it (CSRF tokens are masked per page, so compression reveals nothing).
 */
public final class UiServer {
  private final Vertx vertx;
  private final String host;
  private final int port;
  private final Router router;
  private volatile TlsMaterial tls;
  private HttpServer server;

  public UiServer(Vertx vertx, String host, int port, TlsMaterial tls, Router router) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.router = router;
  }

  public Future<HttpServer> start() {
    HttpServerOptions options =
        TlsPolicy.apply(
            new HttpServerOptions()
                .setSsl(true)
                .setSslEngineOptions(TlsPolicy.engine())
                .setHost(host)
                .setPort(port)
                .setIdleTimeout(120)
                .setCompressionSupported(true)
                .setMaxHeaderSize(16 * 1024)
                .setMaxFormAttributeSize(Hygiene.MAX_BODY),
            tls.keyCertOptions(),
            TlsPolicy.HANDSHAKE_TIMEOUT);
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** Serves {@code material} from now on (new handshakes). */
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
