package dev.mirrorgate.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.mapping.FileMappingSource;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real HTTPS server on a free port, spoken to over TLS by a client trusting only our CA. */
class WebhookServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] POD_CREATE =
      TestResources.text("reviews/pod-create.json").getBytes(StandardCharsets.UTF_8);
  private static final Duration POLL = Duration.ofMillis(100);

  @TempDir Path dir;
  private Vertx vertx;
  private CertificateAuthority ca;
  private WebhookServer server;
  private WebhookMetrics metrics;
  private FileMappingSource mappingSource;
  private Path mappingFile;
  private TrustingClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ca =
        CertificateAuthority.create(
            "test CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
    mappingFile = dir.resolve("mapping.yaml");
    writeMapping(TestResources.text("mutation/mapping.yaml"));
  }

  private void serve(TlsMaterial tls) throws Exception {
    metrics = new WebhookMetrics();
    MappingHolder mappings = new MappingHolder();
    mappingSource =
        new FileMappingSource(
            vertx, mappingFile, new MappingLoader(Clock.systemUTC()), mappings, metrics);
    AdmissionService admission =
        new AdmissionService(new AdmissionCodec(), new PodMutator(JSON), mappings, metrics);
    server = new WebhookServer(vertx, "127.0.0.1", 0, tls, admission, mappings, metrics);
    mappingSource.start(POLL);
    server.start(2).await(20, TimeUnit.SECONDS);
    client = new TrustingClient(ca.certificate(), server.port());
  }

  /**
   * Replaces the mapping file at once, as a ConfigMap volume does; a plain rewrite truncates first,
   * and the poller may count the empty moment as the invalid version it is.
   */
  private void writeMapping(String text) throws java.io.IOException {
    Path next = Files.writeString(dir.resolve("mapping.yaml.next"), text);
    Files.move(
        next,
        mappingFile,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static IssuedCertificate issue(CertificateAuthority issuer) {
    return issuer.issue(
        LeafSpec.server(
            "localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1)));
  }

  private static TlsMaterial leaf(CertificateAuthority issuer) throws Exception {
    IssuedCertificate leaf = issue(issuer);
    return TlsMaterial.fromPem(
        Buffer.buffer(leaf.certificateChainPem()), Buffer.buffer(leaf.privateKeyPem()));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private JsonNode mutate(byte[] body) throws Exception {
    HttpResponse<String> response = client.post("/mutate", "application/json", body);
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body()).path("response");
  }

  private static JsonNode patchOf(JsonNode response) throws Exception {
    return JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
  }

  @Test
  void mutatesAPodOverTls() throws Exception {
    serve(leaf(ca));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/readyz").statusCode() == 200);

    JsonNode response = mutate(POD_CREATE);

    assertThat(response.path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    JsonNode patch = patchOf(response);
    assertThat(patch.findValuesAsText("value"))
        .contains(
            "localhost:5000/acme/shop-frontend:v2.14.3",
            "localhost:5000/acme/shop-migrations:v2.14.3",
            "m.local:5000/dockerhub/library/nginx:1.27.2-alpine",
            "m.local:5000/dockerhub/otel/opentelemetry-collector-contrib:0.112.0");
    assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(client.get("/livez").statusCode()).isEqualTo(200);
    String scraped = client.get("/metrics").body();
    assertThat(scraped)
        .contains(
            "mirrorgate_admission_requests_total{operation=\"CREATE\",outcome=\"patched\"} 1.0")
        .contains("mirrorgate_admission_duration_seconds_bucket")
        .contains("mirrorgate_mapping_reloads_total{result=\"loaded\",source=\"file\"} 1.0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          empty body        | application/json | ''                | 400 | empty body
          malformed JSON    | application/json | '{"kind": '       | 400 | malformed JSON
          not a review      | application/json | '{"hello":"world"}' | 400 | not an AdmissionReview
          review without uid| application/json | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{}}' | 400 | no uid
          wrong type        | text/plain       | 'hello'           | 415 | unsupported Content-Type
          """)
  void badInputGetsA4xxWithAReasonAndTheServerKeepsServing(
      String description, String type, String body, int status, String reason) throws Exception {
    serve(leaf(ca));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/readyz").statusCode() == 200);

    HttpResponse<String> response =
        client.post("/mutate", type, body.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).path("error").asText()).contains(reason);
    assertThat(mutate(POD_CREATE).has("patch")).as("still serving").isTrue();
  }

  @Test
  void anOversizedBodyGets413AndTheServerKeepsServing() throws Exception {
    serve(leaf(ca));
    byte[] huge = new byte[8 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');

    HttpResponse<String> response = client.post("/mutate", "application/json", huge);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(mutate(POD_CREATE).path("allowed").asBoolean()).isTrue();
  }

  @Test
  void anOversizedChunkedBodyIsRefusedMidStreamAndTheServerKeepsServing() throws Exception {
    serve(leaf(ca));
    byte[] huge = new byte[8 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');

    try {
      HttpResponse<String> response = client.postChunked("/mutate", huge);
      assertThat(response.statusCode()).isEqualTo(413);
    } catch (java.io.IOException closedWhileSending) {
      // The server answers 413 and closes while the client is still sending: also a refusal.
    }
    assertThat(mutate(POD_CREATE).path("allowed").asBoolean()).isTrue();
    assertThat(client.postChunked("/mutate", POD_CREATE).statusCode())
        .as("a chunked body within the limit is served")
        .isEqualTo(200);
  }

  @Test
  void notReadyUntilAValidMappingThenReloadsAndKeepsTheLastGoodOne() throws Exception {
    writeMapping("mirrors:\n  - source: docker.io\n");
    serve(leaf(ca));

    assertThat(client.get("/readyz").statusCode()).as("no valid mapping yet").isEqualTo(503);
    assertThat(mutate(POD_CREATE).has("patch")).as("admitted unchanged meanwhile").isFalse();

    writeMapping("mirrors:\n  - source: docker.io\n    target: first.example:5000/hub\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(POLL)
        .until(() -> client.get("/readyz").statusCode() == 200);
    assertThat(patchOf(mutate(POD_CREATE)).findValuesAsText("value"))
        .contains("first.example:5000/hub/library/nginx:1.27.2-alpine");

    writeMapping("mirrors:\n  - source: docker.io\n    target: second.example:5000/hub\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(patchOf(mutate(POD_CREATE)).findValuesAsText("value"))
                    .contains("second.example:5000/hub/library/nginx:1.27.2-alpine"));

    writeMapping("mirrors: [ {source: docker.io} ]\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(POLL)
        .until(
            () ->
                client.get("/metrics").body().contains("result=\"invalid\",source=\"file\"} 2.0"));
    assertThat(patchOf(mutate(POD_CREATE)).findValuesAsText("value"))
        .as("the broken mapping was rejected; the last good one keeps serving")
        .contains("second.example:5000/hub/library/nginx:1.27.2-alpine");
    assertThat(client.get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void servesARotatedCertificateWithoutRestarting() throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    IssuedCertificate first = issue(ca);
    Files.writeString(cert, first.certificateChainPem());
    Files.writeString(key, first.privateKeyPem());
    FileTlsSource files = new FileTlsSource(cert, key, new WebhookMetrics(), Clock.systemUTC());
    serve(files.read());
    files.watch(vertx, server, POLL);
    assertThat(client.get("/healthz").statusCode()).isEqualTo(200);

    CertificateAuthority next =
        CertificateAuthority.create(
            "next CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
    IssuedCertificate second = issue(next);
    // The key lands first: for a moment the pair does not match, which must not be served.
    Files.writeString(key, second.privateKeyPem());
    Files.writeString(cert, second.certificateChainPem());

    TrustingClient nextClient = new TrustingClient(next.certificate(), server.port());
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(POLL)
        .ignoreExceptions()
        .until(() -> nextClient.get("/healthz").statusCode() == 200);
  }

  @Test
  void anExpiredOrMismatchedCertificateFileIsRejectedWithAnErrorMetric() throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    IssuedCertificate good = issue(ca);
    Files.writeString(cert, good.certificateChainPem());
    Files.writeString(key, good.privateKeyPem());
    serve(leaf(ca));
    FileTlsSource files = new FileTlsSource(cert, key, metrics, Clock.systemUTC());
    server.updateTls(files.read()).await(5, TimeUnit.SECONDS);
    files.watch(vertx, server, POLL);
    assertThat(client.get("/metrics").body())
        .containsPattern("mirrorgate_certificate_expiry_seconds \\d{4,}");

    Clock longAgo =
        Clock.fixed(java.time.Instant.parse("2020-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    CertificateAuthority oldCa =
        CertificateAuthority.create("old CA", Duration.ofDays(2), KeyAlgorithm.EC_P256, longAgo);
    IssuedCertificate expired = issue(oldCa);
    Files.writeString(key, expired.privateKeyPem());
    Files.writeString(cert, expired.certificateChainPem());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client
                    .get("/metrics")
                    .body()
                    .contains("mirrorgate_certificate_errors_total{reason=\"expired\"}"));

    Files.writeString(key, issue(ca).privateKeyPem());
    Files.writeString(cert, issue(ca).certificateChainPem());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client
                    .get("/metrics")
                    .body()
                    .contains("mirrorgate_certificate_errors_total{reason=\"mismatch\"}"));
    assertThat(server.tls().leaf()).isEqualTo(good.certificate());
    assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
  }
}
