package dev.mirrorgate.webhook.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.ui.data.Votes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller process ({@code controller --ui-port}) serves the UI and API on its second port,
 * with the same certificate as its first: users from Secret {@code mirrorgate-ui-users}, the
 * ImageUpdates of the cluster, votes written by a replica that need not lead.
 */
class ControllerUiIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final ObjectMapper JSON = new ObjectMapper();
  static ControllerFixture fixture;
  static ControllerApp controller;
  static KubeRest admin;
  static String ns;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    fixture = new ControllerFixture(api);
    fixture.installCrds();
    admin = fixture.rest();
    ns = api.createNamespace("mirrorgate");
    ObjectNode secret = JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    secret.putObject("metadata").put("name", "mirrorgate-ui-users").put("namespace", ns);
    secret.putObject("data").put("erin", Base64.getEncoder().encodeToString("pa55word".getBytes()));
    admin.create(ApiResource.SECRETS, secret);
    controller = fixture.start(ns);
    await().atMost(Duration.ofSeconds(60)).until(controller::ready);
    http = trustingAnything();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void theUiPortServesTheApiAndThePagesWithTheControllersCertificate() throws Exception {
    assertThat(controller.uiPort()).isPositive().isNotEqualTo(controller.port());
    HttpResponse<String> anonymous = get("/api/v1/updates", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/login?next=%2F");
    HttpResponse<String> login = get("/login", null);
    assertThat(login.body()).contains("Log in to mirrorgate");
    Certificate[] ui = login.sslSession().orElseThrow().getPeerCertificates();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + controller.port() + "/healthz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Certificate[] main = health.sslSession().orElseThrow().getPeerCertificates();
    assertThat(((X509Certificate) ui[0]).getSerialNumber())
        .isEqualTo(((X509Certificate) main[0]).getSerialNumber());
  }

  @Test
  void aUserOfTheSecretApprovesAPendingUpdate() throws Exception {
    String team = api.createNamespace("team");
    TestImageUpdates.create(
        admin,
        team,
        "iu-1",
        "web",
        "app",
        "ghcr.io/acme/web:1.0.0",
        "ghcr.io/acme/web:1.1.0",
        1,
        Instant.parse("2099-01-01T00:00:00Z"),
        "Pending");
    String erin = UiClient.basic("erin", "pa55word");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/api/v1/updates?phase=Pending", erin).body().contains("\"iu-1\""));
    HttpResponse<String> voted =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/updates/" + team + "/iu-1/approve"))
                .header("Authorization", erin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(voted.statusCode()).as(voted.body()).isEqualTo(200);
    assertThat(
            admin
                .get(Votes.IMAGE_UPDATES, team, "iu-1")
                .orElseThrow()
                .node()
                .path("status")
                .path("approvals")
                .findValuesAsText("voter"))
        .containsExactly("erin");
  }

  static String base() {
    return "https://127.0.0.1:" + controller.uiPort();
  }

  static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The controller's self-signed certificate is made in memory; the test compares it instead. */
  static HttpClient trustingAnything() throws Exception {
    TrustManager all =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {all}, new SecureRandom());
    return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
  }
}
