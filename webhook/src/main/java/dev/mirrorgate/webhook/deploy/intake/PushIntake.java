package dev.mirrorgate.webhook.deploy.intake;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push intake on the controller's HTTPS port: the endpoints of {@link IntakeRoute}, each
 * request through {@link #handle} — the one stage where a request is checked (method, size,
 * encoding, token, readiness, then the bounded body and its decoding) — and every answer written by
 * {@link #respond}. Accepted events go to the {@link PushSink}; the work happens after the answer,
 * which takes well under a millisecond.
 */
public final class PushIntake {
  private static final Logger log = LoggerFactory.getLogger(PushIntake.class);

  /** How often a missing token is logged again while the intake refuses pushes for it. */
  static final Duration TOKEN_REMINDER = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final TokenSource tokens;
  private final boolean allowUnauthenticated;
  private final RequestHygiene hygiene;
  private final PushReceiver receiver;
  private final IntakeMetrics metrics;
  private boolean warnedUnauthenticated;

  /**
   * @param tokens the tokens of Secret {@code mirrorgate-webhook-tokens}
   * @param sink where accepted events go
   * @param allowUnauthenticated {@code --allow-unauthenticated-webhooks}: accept pushes without a
   *     token while no token is configured
   */
  public PushIntake(
      Vertx vertx,
      WebhookTokenSecret tokens,
      PushSink sink,
      boolean allowUnauthenticated,
      MeterRegistry registry) {
    this(
        vertx,
        tokens,
        sink,
        allowUnauthenticated,
        new IntakeMetrics(registry),
        new RecentEventIds(RecentEventIds.CAPACITY, RecentEventIds.TTL, System::nanoTime));
  }

  PushIntake(
      Vertx vertx,
      TokenSource tokens,
      PushSink sink,
      boolean allowUnauthenticated,
      IntakeMetrics metrics,
      RecentEventIds recent) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.allowUnauthenticated = allowUnauthenticated;
    this.hygiene = new RequestHygiene(tokens, allowUnauthenticated, sink::ready);
    this.receiver = new PushReceiver(sink, recent, metrics);
    this.metrics = metrics;
  }

  /**
   * Adds the intake's routes to {@code router} (every method, so that a wrong one gets this
   * intake's JSON answer) and starts the reminder that logs an error every minute while no token is
   * configured and unauthenticated pushes are not allowed.
   */
  public Router mount(Router router) {
    for (IntakeRoute route : IntakeRoute.values()) {
      router.route(route.path()).handler(ctx -> handle(route, ctx.request()));
    }
    vertx.setPeriodic(
        TOKEN_REMINDER.toMillis() / 4, TOKEN_REMINDER.toMillis(), id -> remindOfMissingToken());
    return router;
  }

  /** The one stage of every intake request: checks, bounded body, decoding, answer. */
  void handle(IntakeRoute route, HttpServerRequest request) {
    long start = System.nanoTime();
    RequestHead head = RequestHead.of(request);
    Answer refused = hygiene.check(head);
    if (refused != null) {
      respond(route, head, request, refused, start);
      return;
    }
    if ("100-continue".equalsIgnoreCase(head.headers().get("Expect"))) {
      request.response().writeContinue();
    }
    BoundedBody.read(
        request,
        RequestHygiene.MAX_BODY_BYTES,
        head.declaredLength(),
        body -> respond(route, head, request, receive(route, head, body), start),
        () -> respond(route, head, request, Answer.tooLarge(RequestHygiene.MAX_BODY_BYTES), start));
  }

  private Answer receive(IntakeRoute route, RequestHead head, byte[] body) {
    try {
      return receiver.receive(route, head, body);
    } catch (RuntimeException e) {
      log.error("push intake failed", kv("endpoint", route.label()), kv("outcome", "error"), e);
      return Answer.unavailable("the intake failed on this request: retry");
    }
  }

  /**
   * Writes {@code answer}, counts it, and logs a refusal (one line: endpoint, status, reason, peer;
   * never a token). A request whose body was not read to its end gets {@code Connection: close}.
   */
  private void respond(
      IntakeRoute route, RequestHead head, HttpServerRequest request, Answer answer, long start) {
    boolean close = !request.isEnded();
    HttpServerResponse response =
        request
            .response()
            .setStatusCode(answer.status())
            .putHeader("Content-Type", "application/json");
    answer.headers().forEach(response::putHeader);
    if (close) {
      response.putHeader("Connection", "close");
    }
    response
        .end(Buffer.buffer(answer.body()))
        .onComplete(
            done -> {
              if (close) {
                request.connection().close();
              }
            });
    metrics.answered(route, answer.status(), System.nanoTime() - start);
    if (!answer.accepted()) {
      logRefusal(route, head, answer);
    }
  }

  /** A refusal for want of any configured token is an error (the setup is incomplete). */
  private void logRefusal(IntakeRoute route, RequestHead head, Answer answer) {
    boolean noToken =
        answer.status() == 503
            && !allowUnauthenticated
            && tokens.current().map(WebhookTokens::isEmpty).orElse(false);
    Object[] fields = {
      answer.reason(),
      kv("endpoint", route.label()),
      kv("status", answer.status()),
      kv("remote", head.remote()),
      kv("userAgent", head.userAgent()),
      kv("registryName", head.registryName())
    };
    if (noToken) {
      log.error("push intake refused a request: {}", fields);
    } else {
      log.warn("push intake refused a request: {}", fields);
    }
  }

  private void remindOfMissingToken() {
    Optional<WebhookTokens> current = tokens.current();
    if (current.isEmpty() || !current.get().isEmpty()) {
      warnedUnauthenticated = false;
      return;
    }
    if (allowUnauthenticated) {
      if (warnedUnauthenticated) {
        return;
      }
      warnedUnauthenticated = true;
      log.warn(
          "no webhook token in {}: accepting pushes without a token"
              + " (--allow-unauthenticated-webhooks)",
          tokens.where());
    } else {
      log.error(
          "no webhook token in {}: the push intake answers 503 to every push until a key is added"
              + " (or the controller runs with --allow-unauthenticated-webhooks)",
          tokens.where());
    }
  }
}
