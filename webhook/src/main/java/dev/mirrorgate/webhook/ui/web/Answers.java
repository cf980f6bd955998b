package dev.mirrorgate.webhook.ui.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.ui.web.PageModels.ErrorPage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;

/**
 * Every answer the UI port gives is built here: JSON for the API ({@code {"error": "..."}} on
 * failure, with {@code WWW-Authenticate} on 401 and {@code Retry-After} on 429 and 503), HTML pages
 * and the error page for the UI, the login page instead of a 401 for a browser, and redirects.
 */
public final class Answers {
  static final String UI_HEADER = "X-Mirrorgate-UI";

  private final ObjectMapper json;
  private final Templates templates;
  private final Frames frames;

  Answers(ObjectMapper json, Templates templates, Frames frames) {
    this.json = json;
    this.templates = templates;
    this.frames = frames;
  }

  /** Whether the request is for the JSON API (and gets JSON errors). */
  static boolean isApi(RoutingContext ctx) {
    return ctx.request().path().startsWith("/api/");
  }

  /** A JSON answer. */
  public void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an API answer", e);
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(Buffer.buffer(bytes));
  }

  /** An HTML page rendered from {@code template}. */
  public void page(RoutingContext ctx, int status, String template, Object model) {
    if (ctx.response().ended()) {
      return;
    }
    Buffer html = templates.render(template, model);
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .end(html);
  }

  /** 303 See Other to a path of this site. */
  public void redirect(RoutingContext ctx, String location) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }

  public void error(RoutingContext ctx, int status, String message) {
    error(ctx, status, message, Duration.ZERO);
  }

  /**
   * The one way a request fails: {@code {"error": message}} for the API; for pages the login page
   * on 401, else the error page.
   */
  public void error(RoutingContext ctx, int status, String message, Duration retryAfter) {
    if (ctx.response().ended()) {
      return;
    }
    if (!retryAfter.isZero()) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
    }
    if (status == 405 && ctx.get(ALLOW) instanceof String allow) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    }
    if (isApi(ctx) || "/events".equals(ctx.request().path())) {
      if (status == 401) {
        challenge(ctx);
      }
      json(ctx, status, Map.of("error", message));
      return;
    }
    if (status == 401) {
      String next = ctx.request().uri();
      redirect(
          ctx,
          "GET".equals(ctx.request().method().name())
              ? Links.query("/login", Map.of("next", next))
              : "/login");
      return;
    }
    String title = HttpResponseStatus.valueOf(status).reasonPhrase();
    page(
        ctx,
        status,
        "error.jte",
        new ErrorPage(frames.of(ctx, title, null, false), status, message));
  }

  static final String ALLOW = "mirrorgate.allow";

  /**
   * The challenge of a 401: Basic and Bearer for API clients; for the UI's own scripts (which send
   * {@value #UI_HEADER}) a scheme browsers do not prompt for, since the login page is the way in.
   */
  private static void challenge(RoutingContext ctx) {
    if (ctx.request().getHeader(UI_HEADER) != null) {
      ctx.response().putHeader("WWW-Authenticate", "Session realm=\"mirrorgate\"");
      return;
    }
    ctx.response()
        .putHeader(
            "WWW-Authenticate",
            java.util.List.<String>of(
                "Basic realm=\"mirrorgate\", charset=\"UTF-8\"", "Bearer realm=\"mirrorgate\""));
  }
}
