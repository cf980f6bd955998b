package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.auth.Authentication;
import dev.mirrorgate.webhook.ui.auth.Authenticator;
import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * Request hygiene, in one place and in this order: security headers on every answer; only GET, HEAD
 * and POST; a POST's content type ({@code application/json} for the API, a form for pages) and size
 * (the body handler refuses more than {@value #MAX_BODY} bytes); who is calling (session cookie,
 * Basic, Bearer); and, for every POST, no cross-site request and the CSRF token of the caller.
 */
final class Hygiene {
  static final int MAX_BODY = 64 * 1024;
  static final String SESSION_COOKIE = "__Host-mirrorgate-session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "csrf";

  /**
   * No inline script or style, nothing from elsewhere, no framing, forms only to this site. The
   * JavaScript, CSS and icon are files of this site.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final Set<HttpMethod> METHODS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST);

  private final Authenticator authenticator;
  private final Answers answers;

  Hygiene(Authenticator authenticator, Answers answers) {
    this.authenticator = authenticator;
    this.answers = answers;
  }

  /** Security headers for every answer (pages, API, assets, errors), then the next stage. */
  void headers(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Strict-Transport-Security", "max-age=31536000")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (!METHODS.contains(ctx.request().method())) {
      ctx.put(Answers.ALLOW, "GET, HEAD, POST");
      answers.error(ctx, 405, ctx.request().method() + " is not allowed here");
      return;
    }
    ctx.next();
  }

  /** A POST must say what it sends: JSON to the API, a URL-encoded form to the pages. */
  void contentType(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.POST) {
      ctx.next();
      return;
    }
    String type = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
    boolean api = Answers.isApi(ctx);
    String expected = api ? "application/json" : "application/x-www-form-urlencoded";
    if (!expected.equals(type)) {
      answers.error(
          ctx,
          415,
          "Content-Type must be "
              + expected
              + (type.isEmpty() ? " (none was given)" : ", not " + type));
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.length() < 19 && parse(length) > MAX_BODY) {
      answers.error(ctx, 413, "the body is larger than " + MAX_BODY + " bytes");
      return;
    }
    ctx.next();
  }

  /**
   * Who is calling: the caller is put in the context; without credentials the API answers 401 and
   * pages redirect to the login page. A Bearer token is reviewed off the event loop.
   */
  void authenticate(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Cookie session = ctx.request().getCookie(SESSION_COOKIE);
    String sessionId = session == null ? null : session.getValue();
    String client = client(ctx);
    if (Authenticator.mayBlock(authorization)) {
      ctx.vertx()
          .executeBlocking(
              () -> authenticator.authenticate(authorization, sessionId, client), false)
          .onComplete(
              done -> {
                if (done.succeeded()) {
                  proceed(ctx, done.result());
                } else {
                  ctx.fail(done.cause());
                }
              });
      return;
    }
    proceed(ctx, authenticator.authenticate(authorization, sessionId, client));
  }

  private void proceed(RoutingContext ctx, Authentication authentication) {
    switch (authentication) {
      case Authentication.Authenticated a -> {
        ctx.put(Frames.CALLER, a.caller());
        ctx.next();
      }
      case Authentication.Missing m ->
          answers.error(
              ctx, 401, "authentication required: log in, or send Basic or Bearer credentials");
      case Authentication.Refused r -> answers.error(ctx, r.status(), r.message(), r.retryAfter());
    }
  }

  /**
   * A POST is refused when the browser says it comes from another site, and when it lacks the
   * caller's CSRF token: in {@value #CSRF_HEADER} or the form field {@value #CSRF_FIELD}. API calls
   * with Basic or Bearer credentials need no token: browsers never add those headers on their own
   * to a cross-site request that can carry {@code application/json}.
   */
  void csrf(RoutingContext ctx, CsrfTokens tokens) {
    if (ctx.request().method() != HttpMethod.POST) {
      ctx.next();
      return;
    }
    if ("cross-site".equals(ctx.request().getHeader("Sec-Fetch-Site"))) {
      answers.error(ctx, 403, "cross-site requests are refused");
      return;
    }
    Caller caller = Frames.caller(ctx);
    if (caller.via() != Caller.Via.SESSION && Answers.isApi(ctx)) {
      ctx.next();
      return;
    }
    String presented = ctx.request().getHeader(CSRF_HEADER);
    if (presented == null) {
      presented = ctx.request().getFormAttribute(CSRF_FIELD);
    }
    if (!CsrfTokens.matches(tokens.secretOf(caller), presented)) {
      answers.error(
          ctx,
          403,
          presented == null
              ? "the CSRF token is missing: reload the page and try again"
              : "the CSRF token is wrong or expired: reload the page and try again");
      return;
    }
    ctx.next();
  }

  /** The client's address, as the throttle counts it. */
  static String client(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
  }

  /** {@code application/json} from {@code application/json; charset=utf-8}, lower case. */
  static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  private static long parse(String number) {
    try {
      return Long.parseLong(number.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
