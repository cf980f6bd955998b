package dev.mirrorgate.webhook.ui.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.ui.auth.AccessCheck;
import dev.mirrorgate.webhook.ui.auth.Authenticator;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import dev.mirrorgate.webhook.ui.auth.Sessions;
import dev.mirrorgate.webhook.ui.data.UiData;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the UI port: hygiene first ({@link Hygiene}), then the login page, then everything
 * else behind authentication and CSRF checks. Every failure goes through {@link Answers}.
 */
public final class WebUi {
  private static final Logger log = LoggerFactory.getLogger(WebUi.class);
  private static final Set<String> KNOWN =
      Set.of(
          "/",
          "/login",
          "/logout",
          "/workloads",
          "/approvals",
          "/history",
          "/simulate",
          "/explain",
          "/events",
          "/api/v1/workloads",
          "/api/v1/updates",
          "/api/v1/mirrors",
          "/api/v1/registries",
          "/api/v1/decisions",
          "/api/v1/simulate",
          "/api/v1/explain");
  private static final Pattern API_VOTE =
      Pattern.compile("/api/v1/updates/[^/]+/[^/]+/(approve|reject)");
  private static final Pattern FORM_VOTE =
      Pattern.compile("/approvals/[^/]+/[^/]+/(approve|reject)");

  private WebUi() {}

  /** The router of the UI port. */
  public static Router router(
      Vertx vertx,
      UiData data,
      Authenticator authenticator,
      Sessions sessions,
      CsrfTokens csrf,
      AccessCheck access,
      MeterRegistry metrics,
      SecureRandom random) {
    ObjectMapper json = new ObjectMapper();
    Assets assets = new Assets();
    Frames frames = new Frames(assets, csrf, data.apiProblem());
    Answers answers = new Answers(json, new Templates(), frames);
    Hygiene hygiene = new Hygiene(authenticator, answers);
    Voting voting = new Voting(data.votes(), access);
    Pages pages = new Pages(data, answers, frames, voting);
    Api api = new Api(data, answers, voting, json);
    Login login = new Login(authenticator, sessions, csrf, answers, frames, random);
    LiveEvents events = new LiveEvents(vertx, data.changes(), answers);
    vertx.setPeriodic(60_000, id -> sessions.sweep());

    Router router = Router.router(vertx);
    router.route().handler(ctx -> timed(ctx, metrics));
    router.route().handler(hygiene::headers);
    router
        .route(Assets.PREFIX + "*")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(ctx -> asset(ctx, assets, answers));
    router.route().handler(hygiene::contentType);
    router.post().handler(BodyHandler.create(false).setBodyLimit(Hygiene.MAX_BODY));
    router.get("/login").handler(login::page);
    router.post("/login").handler(login::login);
    router.route().handler(hygiene::authenticate);
    router.route().handler(ctx -> hygiene.csrf(ctx, csrf));

    router.post("/logout").handler(login::logout);
    router.get("/").handler(pages::overview);
    router.get("/workloads").handler(pages::workloads);
    router.get("/approvals").handler(pages::approvals);
    router.post("/approvals/:namespace/:name/:action").handler(pages::vote);
    router.get("/history").handler(pages::history);
    router.get("/simulate").handler(pages::simulateForm);
    router.post("/simulate").handler(pages::simulate);
    router.post("/explain").handler(pages::explain);
    router.get("/events").handler(events::open);

    router.get("/api/v1/workloads").handler(api::workloads);
    router.get("/api/v1/updates").handler(api::updates);
    router.post("/api/v1/updates/:namespace/:name/:action").handler(api::vote);
    router.get("/api/v1/mirrors").handler(api::mirrors);
    router.get("/api/v1/registries").handler(api::registries);
    router.get("/api/v1/decisions").handler(api::decisions);
    router.post("/api/v1/simulate").handler(api::simulate);
    router.post("/api/v1/explain").handler(api::explain);

    router
        .route()
        .last()
        .handler(ctx -> answers.error(ctx, 404, "no such page: " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx -> {
          ctx.put(Answers.ALLOW, "GET, HEAD, POST");
          answers.error(
              ctx, 405, ctx.request().method() + " is not allowed on " + ctx.request().path());
        });
    router.errorHandler(
        413,
        ctx -> answers.error(ctx, 413, "the body is larger than " + Hygiene.MAX_BODY + " bytes"));
    router.errorHandler(400, ctx -> answers.error(ctx, 400, "bad request"));
    router.errorHandler(
        500,
        ctx -> {
          log.error(
              "UI request {} {} failed",
              ctx.request().method(),
              ctx.request().path(),
              ctx.failure());
          answers.error(ctx, 500, "internal error; the controller's log says more");
        });
    return router;
  }

  private static void asset(RoutingContext ctx, Assets assets, Answers answers) {
    var found = assets.at(ctx.request().path());
    if (found.isEmpty()) {
      answers.error(ctx, 404, "no such file: " + ctx.request().path());
      return;
    }
    Assets.Asset asset = found.get();
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=31536000, immutable")
        .end(io.vertx.core.buffer.Buffer.buffer(asset.bytes()));
  }

  /** Times every request under a bounded route label, from its arrival to the end of its answer. */
  private static void timed(RoutingContext ctx, MeterRegistry metrics) {
    long start = System.nanoTime();
    String route = route(ctx.request().path());
    ctx.addEndHandler(
        done ->
            Timer.builder("mirrorgate.ui.requests")
                .description("Time the UI port takes to answer, by route and status")
                .tag("route", route)
                .tag("method", ctx.request().method().name())
                .tag("status", String.valueOf(ctx.response().getStatusCode()))
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(metrics)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    ctx.next();
  }

  /** A bounded label for a request path. */
  static String route(String path) {
    if (KNOWN.contains(path)) {
      return path;
    }
    if (path.startsWith(Assets.PREFIX)) {
      return "/assets";
    }
    var api = API_VOTE.matcher(path);
    if (api.matches()) {
      return "/api/v1/updates/{namespace}/{name}/" + api.group(1);
    }
    var form = FORM_VOTE.matcher(path);
    if (form.matches()) {
      return "/approvals/{namespace}/{name}/" + form.group(1);
    }
    return "other";
  }
}
