package dev.mirrorgate.webhook.server;

import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.tls.TlsPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SSLEngineOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's HTTPS server: one {@link WebhookVerticle} per event loop, all on one port. The
 * serving certificate can be replaced while running, without dropping connections.
 */
public final class WebhookServer {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final AdmissionService admission;
  private final MappingHolder mappings;
  private final WebhookMetrics metrics;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final ServerLimits limits;
  private final BodyBudget bodyBudget;
  private final SSLEngineOptions sslEngine = TlsPolicy.engine();
  private final AtomicLong closedIdle = new AtomicLong();
  private final AtomicLong closedSlow = new AtomicLong();
  private volatile TlsMaterial tls;
  private volatile int actualPort;
  private int bindPort;

  public WebhookServer(
      Vertx vertx,
      String host,
      int port,
      TlsMaterial tls,
      AdmissionService admission,
      MappingHolder mappings,
      WebhookMetrics metrics) {
    this(vertx, host, port, tls, admission, mappings, metrics, ServerLimits.DEFAULTS, null);
  }

  /**
   * @param gate the connection cap Vert.x was built with ({@link ConnectionGate#transport()}), for
   *     its metrics; null when Vert.x runs without one (tests)
   */
  public WebhookServer(
      Vertx vertx,
      String host,
      int port,
      TlsMaterial tls,
      AdmissionService admission,
      MappingHolder mappings,
      WebhookMetrics metrics,
      ServerLimits limits,
      ConnectionGate gate) {
    this.limits = limits;
    this.bodyBudget = new BodyBudget(limits.bodyBudgetBytes());
    metrics.serverGauges(
        gate == null ? () -> -1 : gate::open,
        gate == null ? () -> 0 : gate::refusedOverall,
        gate == null ? () -> 0 : gate::refusedPerClient,
        closedIdle::get,
        closedSlow::get,
        bodyBudget::held,
        bodyBudget::streamed,
        bodyBudget::gathered);
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.bindPort = port;
    this.tls = tls;
    this.admission = admission;
    this.mappings = mappings;
    this.metrics = metrics;
  }

  /**
   * Starts {@code instances} event-loop servers sharing one port; completes when all listen. Port 0
   * means a free port, chosen before binding so that every event loop shares it.
   */
  public Future<String> start(int instances) {
    if (port == 0) {
      try (java.net.ServerSocket probe =
          new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
        bindPort = probe.getLocalPort();
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.deployVerticle(
        () -> new WebhookVerticle(this), new DeploymentOptions().setInstances(instances));
  }

  /** Serves {@code material} from now on; new handshakes use it, open connections continue. */
  public Future<Void> updateTls(TlsMaterial material) {
    this.tls = material;
    return Future.all(
            servers.stream()
                .map(
                    s ->
                        s.updateSSLOptions(
                            TlsPolicy.serverOptions(
                                material.keyCertOptions(), limits.handshakeTimeout())))
                .toList())
        .mapEmpty();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return actualPort;
  }

  String host() {
    return host;
  }

  int bindPort() {
    return bindPort;
  }

  TlsMaterial tls() {
    return tls;
  }

  ServerLimits limits() {
    return limits;
  }

  BodyBudget bodyBudget() {
    return bodyBudget;
  }

  SSLEngineOptions sslEngine() {
    return sslEngine;
  }

  /** "OpenSSL ..." or "JDK": which TLS implementation serves. */
  public String tlsEngine() {
    return TlsPolicy.engineName(sslEngine);
  }

  AtomicLong closedIdle() {
    return closedIdle;
  }

  AtomicLong closedSlow() {
    return closedSlow;
  }

  AdmissionService admission() {
    return admission;
  }

  WebhookMetrics metrics() {
    return metrics;
  }

  boolean mappingLoaded() {
    return mappings.isLoaded();
  }

  void started(HttpServer server) {
    servers.add(server);
    actualPort = server.actualPort();
    log.debug("event-loop server listening on {}:{}", host, actualPort);
  }

  void stopped(HttpServer server) {
    servers.remove(server);
  }
}
