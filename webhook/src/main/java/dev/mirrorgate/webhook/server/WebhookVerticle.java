package dev.mirrorgate.webhook.server;

import dev.mirrorgate.webhook.tls.TlsPolicy;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One event loop's share of the HTTPS server. Routes: {@code POST /mutate}, {@code GET /healthz},
 * {@code /livez}, {@code /readyz} and {@code /metrics}; anything else is 404 or 405, a request
 * without {@code Host} 400, all answered here without a log line (no unauthenticated log spam).
 */
final class WebhookVerticle extends VerticleBase {
  private static final Buffer ALIVE =
      Buffer.buffer(
          "{\"status\":\"UP\",\"checks\":[{\"id\":\"event-loop\",\"status\":\"UP\"}],\"outcome\":\"UP\"}");
  private static final Buffer READY =
      Buffer.buffer(
          "{\"status\":\"UP\",\"checks\":[{\"id\":\"mapping\",\"status\":\"UP\"}],\"outcome\":\"UP\"}");
  private static final Buffer NOT_READY =
      Buffer.buffer(
          "{\"status\":\"DOWN\",\"checks\":[{\"id\":\"mapping\",\"status\":\"DOWN\"}],\"outcome\":\"DOWN\"}");

  private final WebhookServer shared;
  private ConnectionDeadlines deadlines;
  private AdmissionIntake intake;
  private HttpServer server;
  private long sweeper;

  WebhookVerticle(WebhookServer shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    ServerLimits limits = shared.limits();
    deadlines = new ConnectionDeadlines(limits, shared.closedIdle(), shared.closedSlow());
    intake =
        new AdmissionIntake(
            limits, shared.bodyBudget(), shared.admission(), shared.metrics(), this::send);
    HttpServerOptions options =
        TlsPolicy.apply(
            new HttpServerOptions()
                .setSsl(true)
                .setSslEngineOptions(shared.sslEngine())
                .setHost(shared.host())
                .setPort(shared.bindPort()),
            shared.tls().keyCertOptions(),
            limits.handshakeTimeout());
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(deadlines::opened)
            .invalidRequestHandler(this::invalid)
            .requestHandler(this::route);
    sweeper = vertx.setPeriodic(1000, id -> deadlines.sweep());
    return server.listen().onSuccess(shared::started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    shared.stopped(server);
    return server.shutdown(java.time.Duration.ofSeconds(5));
  }

  private void route(HttpServerRequest request) {
    deadlines.requestStarted(request.connection());
    String path = request.path();
    HttpMethod method = request.method();
    if (request.version() != HttpVersion.HTTP_1_0 && request.authority() == null) {
      send(request, Answer.error(400, "no Host header"), true);
      shared.metrics().requestRefused("no_host");
      return;
    }
    if ("/mutate".equals(path)) {
      if (method == HttpMethod.POST) {
        intake.handle(request);
      } else {
        refuse(request, 405, "method", "POST only");
      }
      return;
    }
    if (path == null) {
      refuse(request, 404, "not_found", "no such path");
      return;
    }
    Buffer body;
    int status = 200;
    switch (path) {
      case "/healthz", "/livez" -> body = ALIVE;
      case "/readyz" -> {
        boolean ready = shared.mappingLoaded();
        body = ready ? READY : NOT_READY;
        status = ready ? 200 : 503;
      }
      case "/metrics" -> body = null;
      default -> {
        refuse(request, 404, "not_found", "no such path");
        return;
      }
    }
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      refuse(request, 405, "method", "GET only");
      return;
    }
    HttpServerResponse response = request.response();
    if (body == null) {
      response.putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      end(request, Buffer.buffer(shared.metrics().scrape()), false);
    } else {
      response.setStatusCode(status).putHeader("Content-Type", "application/json;charset=UTF-8");
      end(request, body, false);
    }
  }

  /** A request Netty could not parse (bad request line, headers too long): 400, then closed. */
  private void invalid(HttpServerRequest request) {
    shared.metrics().requestRefused("malformed");
    request
        .response()
        .setStatusCode(
            request.decoderResult().cause() instanceof io.netty.handler.codec.TooLongFrameException
                ? 431
                : 400);
    request.response().putHeader("Connection", "close");
    request.response().end().onComplete(done -> request.connection().close());
  }

  private void refuse(HttpServerRequest request, int status, String reason, String message) {
    shared.metrics().requestRefused(reason);
    send(request, Answer.error(status, message), true);
  }

  /** Answers {@code request}; with {@code close}, closes the connection once the answer is out. */
  void send(HttpServerRequest request, Answer answer, boolean close) {
    HttpServerResponse response = request.response();
    response.setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType());
    if (answer.retryAfterSeconds() > 0) {
      response.putHeader("Retry-After", Integer.toString(answer.retryAfterSeconds()));
    }
    // Wrapped, not copied: Buffer.buffer(byte[]) copies the answer into a new heap buffer.
    end(request, BufferInternal.buffer(Unpooled.wrappedBuffer(answer.body())), close);
  }

  private void end(HttpServerRequest request, Buffer body, boolean close) {
    HttpServerResponse response = request.response();
    if (close) {
      response.putHeader("Connection", "close");
      response.end(body).onComplete(done -> request.connection().close());
    } else {
      response.end(body);
    }
    deadlines.answered(request.connection());
  }
}
