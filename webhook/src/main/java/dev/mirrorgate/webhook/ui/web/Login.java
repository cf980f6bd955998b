package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.auth.Authentication;
import dev.mirrorgate.webhook.ui.auth.Authenticator;
import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import dev.mirrorgate.webhook.ui.auth.KubeUser;
import dev.mirrorgate.webhook.ui.auth.Sessions;
import dev.mirrorgate.webhook.ui.web.PageModels.LoginPage;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The login page, login and logout. The login form is protected against login CSRF by a
 * double-submitted random value (a cookie and a hidden field that must be equal); a successful
 * login starts a new server-side session whose id goes into a {@code __Host-} cookie: Secure,
 * HttpOnly, SameSite=Strict, for the whole site, ending with the browser.
 */
final class Login {
  static final String LOGIN_COOKIE = "__Host-mirrorgate-login";

  private final Authenticator authenticator;
  private final Sessions sessions;
  private final CsrfTokens csrf;
  private final Answers answers;
  private final Frames frames;
  private final SecureRandom random;

  Login(
      Authenticator authenticator,
      Sessions sessions,
      CsrfTokens csrf,
      Answers answers,
      Frames frames,
      SecureRandom random) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.csrf = csrf;
    this.answers = answers;
    this.frames = frames;
    this.random = random;
  }

  /** GET /login: the form (or the overview when the session is still valid). */
  void page(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(Hygiene.SESSION_COOKIE);
    if (session != null && sessions.find(session.getValue()).isPresent()) {
      answers.redirect(ctx, Links.safeNext(ctx.request().getParam("next")));
      return;
    }
    form(ctx, 200, null, "", ctx.request().getParam("next"));
  }

  /** POST /login. */
  void login(RoutingContext ctx) {
    Cookie marker = ctx.request().getCookie(LOGIN_COOKIE);
    String presented = ctx.request().getFormAttribute(Hygiene.CSRF_FIELD);
    String user = ctx.request().getFormAttribute("username");
    String next = ctx.request().getFormAttribute("next");
    if (marker == null
        || presented == null
        || !MessageDigest.isEqual(
            marker.getValue().getBytes(StandardCharsets.UTF_8),
            presented.getBytes(StandardCharsets.UTF_8))) {
      form(
          ctx,
          403,
          "The login form expired or came from another site: please log in again.",
          user,
          next);
      return;
    }
    String password = ctx.request().getFormAttribute("password");
    String token = ctx.request().getFormAttribute("token");
    String client = Hygiene.client(ctx);
    ctx.vertx()
        .executeBlocking(() -> authenticator.login(user, password, token, client), false)
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              switch (done.result()) {
                case Authentication.Authenticated a -> started(ctx, a.caller(), next);
                case Authentication.Refused r -> {
                  if (!r.retryAfter().isZero()) {
                    ctx.response()
                        .putHeader("Retry-After", String.valueOf(r.retryAfter().toSeconds()));
                  }
                  form(ctx, r.status(), r.message(), user, next);
                }
                case Authentication.Missing m ->
                    form(ctx, 401, "enter a user name and a password", user, next);
              }
            });
  }

  private void started(RoutingContext ctx, Caller caller, String next) {
    KubeUser kubeUser = caller.kubeUser();
    Sessions.Created created = sessions.create(caller.user(), kubeUser, csrf.newSecret());
    ctx.response()
        .addCookie(
            Cookie.cookie(Hygiene.SESSION_COOKIE, created.id())
                .setPath("/")
                .setSecure(true)
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT));
    ctx.response().addCookie(expired(LOGIN_COOKIE));
    answers.redirect(ctx, Links.safeNext(next));
  }

  /** POST /logout (the CSRF stage has checked the token). */
  void logout(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(Hygiene.SESSION_COOKIE);
    if (session != null) {
      sessions.end(session.getValue());
    }
    ctx.response().addCookie(expired(Hygiene.SESSION_COOKIE));
    answers.redirect(ctx, "/login");
  }

  private void form(RoutingContext ctx, int status, String error, String user, String next) {
    byte[] value = new byte[32];
    random.nextBytes(value);
    String marker = Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    ctx.response()
        .addCookie(
            Cookie.cookie(LOGIN_COOKIE, marker)
                .setPath("/")
                .setSecure(true)
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT));
    answers.page(
        ctx,
        status,
        "login.jte",
        new LoginPage(
            frames.bare("Log in"), error, user == null ? "" : user, Links.safeNext(next), marker));
  }

  private static Cookie expired(String name) {
    return Cookie.cookie(name, "")
        .setPath("/")
        .setSecure(true)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(0);
  }
}
