package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The intake as {@code mirrorgate-webhook.jar controller} assembles it (same composition root, a
 * real API server, the placeholder sink): no token means 503 until the Secret has one, and {@code
 * --allow-unauthenticated-webhooks} means no token is needed while none is configured.
 */
class ControllerIntakeIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private final ControllerFixture fixture = new ControllerFixture(api);

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void withoutATokenPushesAre503UntilTheSecretHasOne() throws Exception {
    String namespace = api.createNamespace("controller-intake");
    ControllerApp app = fixture.start(namespace);
    await().atMost(Duration.ofSeconds(60)).until(app::ready);
    String token = "t-" + UUID.randomUUID();

    HttpResponse<String> refused = post(app, "/v1/webhooks/registry", token);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(refused.body())
        .contains(
            "no webhook token configured: add one to Secret "
                + namespace
                + "/mirrorgate-webhook-tokens");

    setTokens(namespace, token);
    await("the token in force")
        .atMost(Duration.ofSeconds(30))
        .until(() -> post(app, "/event", token).statusCode() == 202);
    HttpResponse<String> accepted = post(app, "/v1/webhooks/registry", token);
    HttpResponse<String> wrong = post(app, "/v1/webhooks/registry", "not-" + token);

    assertThat(accepted.body()).isEqualTo("{\"accepted\":1,\"ignored\":0,\"duplicates\":0}\n");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(get(app, "/metrics").body())
        .contains("mirrorgate_intake_requests_total{endpoint=\"registry\",status=\"503\"}")
        .contains("mirrorgate_intake_events_total{result=\"accepted\",source=\"registry\"}");
  }

  @Test
  void allowUnauthenticatedWebhooksTakesPushesWithoutATokenWhileNoneIsConfigured()
      throws Exception {
    String namespace = api.createNamespace("controller-intake-open");
    ControllerApp app = fixture.start(namespace, "--allow-unauthenticated-webhooks");
    await().atMost(Duration.ofSeconds(60)).until(app::ready);

    assertThat(post(app, "/v1/webhooks/registry", null).statusCode()).isEqualTo(202);

    String token = "t-" + UUID.randomUUID();
    setTokens(namespace, token);
    await("a token required once one is configured")
        .atMost(Duration.ofSeconds(30))
        .until(() -> post(app, "/v1/webhooks/registry", null).statusCode() == 401);
    assertThat(post(app, "/v1/webhooks/registry", token).statusCode()).isEqualTo(202);
  }

  private static void setTokens(String namespace, String token) throws Exception {
    ObjectNode secret = ControllerFixture.JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    secret.putObject("metadata").put("name", WebhookTokenSecret.NAME).put("namespace", namespace);
    secret
        .putObject("data")
        .put("ci", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    fixture().rest().apply(ApiResource.SECRETS, secret);
  }

  private static ControllerFixture fixture() {
    return new ControllerFixture(api);
  }

  private static HttpResponse<String> post(ControllerApp app, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port() + path))
            .timeout(Duration.ofSeconds(20))
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(PushIntakeHttpIT.envelope("app", "1.0.0")));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(ControllerApp app, String path) throws Exception {
    return client()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A client that trusts any certificate: the controller serves a throwaway self-signed one here
   * ({@code --tls-self-signed}); trust over TLS is what {@link PushIntakeHttpIT} checks.
   */
  private static HttpClient client() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
  }
}
