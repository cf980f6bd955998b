package dev.mirrorgate.webhook.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.webhook.ui.auth.AccessCheck;
import dev.mirrorgate.webhook.ui.auth.KubeUser;
import dev.mirrorgate.webhook.ui.auth.TokenCheck;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.ImageUpdateIndexTest;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request hygiene of the UI port over real HTTPS, as tables: authentication (API 401 vs the login
 * page), methods, content types, sizes, CSRF, sessions, the login throttle, security headers,
 * hashed assets, escaping. Token reviews and the vote writes come from fakes here (an unreachable
 * API server for votes); UiKubeIT has the real ones.
 */
class UiHttpIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ALICE = UiClient.basic("alice", "wonderland");
  static final String XSS = "<script>alert('x')</script>";

  static final TokenCheck TOKENS =
      token ->
          switch (token) {
            case "voter-token" -> Optional.of(user("system:serviceaccount:ops:voter"));
            case "reader-token" -> Optional.of(user("system:serviceaccount:ops:reader"));
            case "outsider-token" -> Optional.of(user("system:serviceaccount:ops:outsider"));
            default -> Optional.empty();
          };

  static final AccessCheck ACCESS =
      new AccessCheck() {
        @Override
        public boolean mayVote(KubeUser user, String namespace, String name) {
          return user.username().endsWith(":voter");
        }

        @Override
        public boolean mayRead(KubeUser user) {
          return !user.username().endsWith(":outsider");
        }
      };

  static KubeUser user(String name) {
    return new KubeUser(name, "", List.of("system:serviceaccounts"), Map.of());
  }

  static FakeUi ui;

  @BeforeAll
  static void start() throws Exception {
    TrackedWorkload html =
        new TrackedWorkload(
            "shop",
            "Deployment",
            "web",
            XSS,
            "ghcr.io/acme/web:1.0.0\"><img src=x>",
            "keel.sh/policy=" + XSS,
            "push");
    TrackedWorkload plain =
        new TrackedWorkload(
            "shop",
            "Deployment",
            "api",
            "app",
            "ghcr.io/acme/api:1.2.3@sha256:" + "a".repeat(64),
            "keel.sh/policy=minor",
            "poll");
    Decision decision =
        new Decision(
            Instant.parse("2026-11-25T10:00:00Z"),
            "shop",
            "Deployment",
            "api",
            "app",
            "ghcr.io/acme/api:1.2.3",
            "keel.sh/policy=minor",
            "registry",
            UpdateDecision.Outcome.REFUSED,
            null,
            "minor accepts none of: 2.0.0 (" + XSS + ")");
    ui =
        new FakeUi(
            Map.of("BASIC_AUTH_USER", "alice", "BASIC_AUTH_PASSWORD", "wonderland"),
            TOKENS,
            ACCESS,
            () -> List.of(html, plain),
            () -> List.of(decision),
            pushed -> List.of(decision));
    ui.imageUpdates.add(
        ImageUpdateIndexTest.update(
            "shop",
            "iu-1",
            "api",
            "app",
            "Pending",
            "2026-11-25T10:00:00Z",
            "2099-01-01T00:00:00Z"));
    ui.updatesChanged();
  }

  @AfterAll
  static void stop() throws Exception {
    ui.close();
  }

  /** method, path, content type, body, headers, expected status, text the answer contains. */
  static Stream<Arguments> requests() {
    String big = "{\"pushed\": [\"" + "a".repeat(70_000) + "\"]}";
    return Stream.of(
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of(),
            401,
            "{\"error\":\"authentication required"),
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of("Authorization", UiClient.basic("alice", "nope")),
            401,
            "wrong user name or password"),
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"name\":\"iu-1\""),
        row(
            "GET",
            "/api/v1/updates?phase=Pending",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"total\":1"),
        row(
            "GET",
            "/api/v1/updates?phase=Applied",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"total\":0"),
        row(
            "GET",
            "/api/v1/updates?phase=Bogus",
            null,
            null,
            List.of("Authorization", ALICE),
            400,
            "phase: \\\"Bogus\\\" is not one of"),
        row(
            "GET",
            "/api/v1/updates?limit=0",
            null,
            null,
            List.of("Authorization", ALICE),
            400,
            "limit: 0 is not between 1 and 1000"),
        row(
            "GET",
            "/api/v1/updates?continue=zz",
            null,
            null,
            List.of("Authorization", ALICE),
            400,
            "continue: not a token"),
        row(
            "GET",
            "/api/v1/workloads?limit=1",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"continue\":\""),
        row(
            "GET",
            "/api/v1/decisions",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"outcome\":\"REFUSED\""),
        row(
            "GET",
            "/api/v1/mirrors",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"items\":[]"),
        row(
            "GET",
            "/api/v1/registries",
            null,
            null,
            List.of("Authorization", ALICE),
            200,
            "\"total\":0"),
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of("Authorization", "Bearer reader-token"),
            200,
            "iu-1"),
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of("Authorization", "Bearer forged"),
            401,
            "does not accept this token"),
        row(
            "GET",
            "/api/v1/updates",
            null,
            null,
            List.of("Authorization", "Bearer outsider-token"),
            403,
            "may not list imageupdates"),
        row(
            "GET",
            "/api/v1/nothing",
            null,
            null,
            List.of("Authorization", ALICE),
            404,
            "{\"error\":\"no such page"),
        row(
            "PUT",
            "/api/v1/updates",
            "application/json",
            "{}",
            List.of("Authorization", ALICE),
            405,
            "PUT is not allowed"),
        row(
            "DELETE",
            "/",
            null,
            null,
            List.of("Authorization", ALICE),
            405,
            "DELETE is not allowed"),
        row(
            "POST",
            "/api/v1/simulate",
            "text/plain",
            "{}",
            List.of("Authorization", ALICE),
            415,
            "Content-Type must be application/json, not text/plain"),
        row(
            "POST",
            "/api/v1/simulate",
            null,
            "{}",
            List.of("Authorization", ALICE),
            415,
            "(none was given)"),
        row(
            "POST",
            "/api/v1/simulate",
            "application/json",
            big,
            List.of("Authorization", ALICE),
            413,
            "larger than 65536 bytes"),
        row(
            "POST",
            "/api/v1/simulate",
            "application/json",
            "{\"pushed\": [",
            List.of("Authorization", ALICE),
            400,
            "the body is not JSON"),
        row(
            "POST",
            "/api/v1/simulate",
            "application/json",
            "{\"pushed\": \"x\"}",
            List.of("Authorization", ALICE),
            400,
            "the body must be {\\\"pushed\\\""),
        row(
            "POST",
            "/api/v1/simulate",
            "application/json",
            "{\"pushed\": [\"ok.io/a:1\", \"Bad Ref\", \"x:-\"]}",
            List.of("Authorization", ALICE),
            400,
            "pushed[1]: \\\"Bad Ref\\\""),
        row(
            "POST",
            "/api/v1/simulate",
            "application/json",
            "{\"pushed\": [\"ghcr.io/acme/api:2.0.0\"]}",
            List.of("Authorization", ALICE),
            200,
            "\"outcome\":\"REFUSED\""),
        row(
            "POST",
            "/api/v1/explain",
            "application/json",
            "{\"images\": [\"nginx\", \"Bad Ref\"]}",
            List.of("Authorization", ALICE),
            200,
            "\"normalized\":\"docker.io/library/nginx:latest\""),
        row(
            "POST",
            "/api/v1/updates/shop/iu-1/approve",
            "application/json",
            "{}",
            List.of("Authorization", ALICE, "Sec-Fetch-Site", "cross-site"),
            403,
            "cross-site requests are refused"),
        row(
            "POST",
            "/api/v1/updates/shop/iu-1/approve",
            "application/json",
            "{}",
            List.of("Authorization", ALICE),
            503,
            "cannot be reached"),
        row(
            "POST",
            "/api/v1/updates/shop/iu-1/approve",
            "application/json",
            "{}",
            List.of("Authorization", "Bearer reader-token"),
            403,
            "may not update imageupdates.mirrorgate.dev in namespace shop"),
        row(
            "POST",
            "/api/v1/updates/shop/iu-1/approve",
            "application/json",
            "{}",
            List.of("Authorization", "Bearer voter-token"),
            503,
            "cannot be reached"),
        row(
            "POST",
            "/api/v1/updates/shop/iu-1/merge",
            "application/json",
            "{}",
            List.of("Authorization", ALICE),
            404,
            "use approve or reject"),
        row("GET", "/", null, null, List.of(), 303, ""),
        row("GET", "/", null, null, List.of("Authorization", ALICE), 200, "<h1>Overview</h1>"),
        row(
            "POST",
            "/simulate",
            "application/x-www-form-urlencoded",
            "pushed=x",
            List.of("Authorization", ALICE),
            403,
            "the CSRF token is missing"),
        row(
            "POST",
            "/simulate",
            "application/json",
            "{}",
            List.of("Authorization", ALICE),
            415,
            "Content-Type must be application/x-www-form-urlencoded"),
        row("GET", "/assets/ui.000000000000.css", null, null, List.of(), 404, "no such file"),
        row("GET", "/events", null, null, List.of(), 401, "authentication required"));
  }

  static Arguments row(
      String method,
      String path,
      String type,
      String body,
      List<String> headers,
      int status,
      String contains) {
    return Arguments.of(
        method
            + " "
            + path
            + " "
            + headers.stream()
                .filter(h -> !h.contains(" ") || h.startsWith("Basic") || h.startsWith("Bearer"))
                .toList(),
        method,
        path,
        type,
        body,
        headers,
        status,
        contains);
  }

  @ParameterizedTest(name = "[{index}] {0} → {6}")
  @MethodSource("requests")
  void everyRequestPassesTheSameHygiene(
      String name,
      String method,
      String path,
      String type,
      String body,
      List<String> headers,
      int status,
      String contains)
      throws Exception {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui.client().base() + path))
            .method(
                method,
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    for (int i = 0; i < headers.size(); i += 2) {
      request.header(headers.get(i), headers.get(i + 1));
    }
    HttpResponse<String> response = raw(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).contains(contains);
    // security headers on every answer, errors included
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe"));
    assertThat(response.headers().firstValue("Strict-Transport-Security"))
        .hasValue("max-age=31536000");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    if (status == 401) {
      assertThat(response.headers().allValues("WWW-Authenticate"))
          .contains("Basic realm=\"mirrorgate\", charset=\"UTF-8\"", "Bearer realm=\"mirrorgate\"");
    }
    if (path.startsWith("/api/") || status >= 400 && path.startsWith("/events")) {
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/json; charset=utf-8");
      JsonNode json = JSON.readTree(response.body());
      if (status >= 400) {
        assertThat(json.path("error").asText()).isNotEmpty();
      }
    }
  }

  private static HttpResponse<String> raw(java.net.http.HttpRequest.Builder request)
      throws Exception {
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caOf());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    ssl.init(null, tmf.getTrustManagers(), null);
    return java.net.http.HttpClient.newBuilder()
        .sslContext(ssl)
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            request.timeout(java.time.Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static java.security.cert.X509Certificate caOf() throws Exception {
    return ui.caCertificate();
  }

  @Test
  void aBrowserWithoutSessionIsSentToTheLoginPageAndBack() throws Exception {
    UiClient browser = ui.client();
    HttpResponse<String> page = browser.get("/history?namespace=shop");
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location"))
        .hasValue("/login?next=%2Fhistory%3Fnamespace%3Dshop");
    HttpResponse<String> login = browser.get("/login?next=%2Fhistory%3Fnamespace%3Dshop");
    assertThat(login.body()).contains("name=\"next\" value=\"/history?namespace=shop\"");
    String token = UiClient.csrf(login.body());
    HttpResponse<String> in =
        browser.form(
            "/login",
            "csrf",
            token,
            "next",
            "/history?namespace=shop",
            "username",
            "alice",
            "password",
            "wonderland");
    assertThat(in.statusCode()).isEqualTo(303);
    assertThat(in.headers().firstValue("Location")).hasValue("/history?namespace=shop");
    String cookie =
        in.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("__Host-mirrorgate-session="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie)
        .contains("Path=/")
        .contains("Secure")
        .contains("HTTPOnly")
        .contains("SameSite=Strict")
        .doesNotContain("Domain");
    assertThat(browser.get("/history?namespace=shop").statusCode()).isEqualTo(200);
  }

  @Test
  void sessionPostsNeedTheCsrfTokenAndLogoutEndsTheSession() throws Exception {
    UiClient browser = ui.client();
    assertThat(browser.login("alice", "wonderland").statusCode()).isEqualTo(303);
    String page = browser.get("/approvals").body();
    String token = UiClient.csrf(page);
    // the API with the session cookie: the token must come in the header
    assertThat(
            browser
                .post("/api/v1/updates/shop/iu-1/approve", "application/json", "{}")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            browser
                .post(
                    "/api/v1/updates/shop/iu-1/approve",
                    "application/json",
                    "{}",
                    "X-CSRF-Token",
                    "AAAA" + token.substring(4))
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> passed =
        browser.post(
            "/api/v1/updates/shop/iu-1/approve", "application/json", "{}", "X-CSRF-Token", token);
    assertThat(passed.statusCode())
        .as(passed.body())
        .isEqualTo(503); // past the checks: the API server is away
    // a form without the token
    assertThat(browser.form("/logout").statusCode()).isEqualTo(403);
    assertThat(browser.form("/logout", "csrf", token).statusCode()).isEqualTo(303);
    assertThat(browser.get("/approvals").statusCode()).isEqualTo(303);
    assertThat(browser.cookies().getCookieStore().getCookies())
        .extracting(HttpCookie::getName)
        .doesNotContain("__Host-mirrorgate-session");
  }

  @Test
  void aLoginFormFromElsewhereIsRefused() throws Exception {
    UiClient browser = ui.client();
    HttpResponse<String> forged =
        browser.form("/login", "csrf", "made-up", "username", "alice", "password", "wonderland");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("The login form expired or came from another site");
  }

  @Test
  void wrongPasswordsAreThrottledPerClient() throws Exception {
    FakeUi own =
        new FakeUi(
            Map.of("BASIC_AUTH_USER", "alice", "BASIC_AUTH_PASSWORD", "wonderland"),
            TOKENS,
            ACCESS,
            List::of,
            List::of,
            p -> List.of());
    try (own) {
      UiClient client = own.client();
      for (int i = 0; i < 5; i++) {
        assertThat(
                client
                    .get("/api/v1/updates", "Authorization", UiClient.basic("alice", "guess" + i))
                    .statusCode())
            .isEqualTo(401);
      }
      HttpResponse<String> blocked = client.get("/api/v1/updates", "Authorization", ALICE);
      assertThat(blocked.statusCode()).isEqualTo(429);
      assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> form = client.login("alice", "wonderland");
      assertThat(form.statusCode()).isEqualTo(429);
      assertThat(form.body()).contains("too many failed logins from this address");
    }
  }

  @Test
  void htmlLookingNamesAndImagesAreShownAsText() throws Exception {
    for (String path : List.of("/", "/workloads", "/history", "/approvals")) {
      String body = ui.client().get(path, "Authorization", ALICE).body();
      assertThat(body).as(path).doesNotContain(XSS).doesNotContain("<img src=x>");
    }
    String workloads = ui.client().get("/workloads", "Authorization", ALICE).body();
    assertThat(workloads).contains("&lt;script&gt;alert('x')&lt;/script&gt;");
    assertThat(workloads).contains("1.0.0\"&gt;&lt;img src=x&gt;");
  }

  @Test
  void assetsAreServedUnderTheirContentHashForAYear() throws Exception {
    String page = ui.client().get("/", "Authorization", ALICE).body();
    java.util.regex.Matcher css =
        java.util.regex.Pattern.compile("href=\"(/assets/ui\\.[0-9a-f]{12}\\.css)\"").matcher(page);
    java.util.regex.Matcher js =
        java.util.regex.Pattern.compile("src=\"(/assets/ui\\.[0-9a-f]{12}\\.js)\"").matcher(page);
    assertThat(css.find()).isTrue();
    assertThat(js.find()).isTrue();
    HttpResponse<String> style = ui.client().get(css.group(1));
    assertThat(style.statusCode()).isEqualTo(200);
    assertThat(style.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(ui.client().get(js.group(1)).headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(page)
        .doesNotContain("<script>")
        .doesNotContain(" style=")
        .doesNotContain("https://")
        .doesNotContain("http://");
  }

  @Test
  void anUnreachableApiServerIsSaidOnEveryPage() throws Exception {
    ui.apiProblem.set(Optional.of("The Kubernetes API server cannot be read right now"));
    try {
      for (String path : List.of("/", "/workloads", "/approvals", "/history", "/simulate")) {
        HttpResponse<String> page = ui.client().get(path, "Authorization", ALICE);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
            .as(path)
            .contains("The Kubernetes API server cannot be read right now");
      }
    } finally {
      ui.apiProblem.set(Optional.empty());
    }
  }
}
