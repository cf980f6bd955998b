package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.owned.TestCa;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The intake over real TLS connections, as senders reach it: each endpoint with its service's
 * payload, keep-alive, bodies over the limit (declared, or streamed chunk by chunk), refusals
 * before the body is sent, {@code Expect: 100-continue}, and the metrics.
 */
class PushIntakeHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret-" + UUID.randomUUID();
  private static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + TOKEN);
  private static final int MIB = 1024 * 1024;

  static TestCa ca;
  static CollectingPushSink sink;
  static IntakeServer server;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create("intake test CA");
    sink = new CollectingPushSink();
    WebhookTokens tokens = WebhookTokens.of(Map.of("ci", TOKEN));
    server =
        new IntakeServer(
            ca,
            new TokenSource() {
              @Override
              public Optional<WebhookTokens> current() {
                return Optional.of(tokens);
              }

              @Override
              public String where() {
                return "Secret test/mirrorgate-webhook-tokens";
              }
            },
            sink,
            false);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void clear() {
    sink.clear();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "/v1/webhooks/registry, registry-v2-multiarch.json, registry.example:5000/acme/shop:1.3.0",
    "/event, registry-argoos.json, registry:5000/app:1.2.4",
    "/v1/webhooks/native, native.json, gcr.io/v2-namespace/hello-world:1.1.1",
    "/v1/webhooks/dockerhub, dockerhub.json, docker.io/svendowideit/testhook:latest",
    "/v1/webhooks/quay, quay.json, quay.io/mynamespace/repository:latest",
    "/v1/webhooks/harbor, harbor-v1.json, hub.harbor.com:8443/test-webhook/debian:v1.0",
    "/v1/webhooks/github, github-legacy.json, docker.pkg.github.com/dingggu/utaitebox/server:1.2.3",
  })
  void everyEndpointTakesItsServicesPayloadOverTls(String path, String file, String first)
      throws Exception {
    Map<String, String> headers =
        Map.of(
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/vnd.docker.distribution.events.v2+json",
            "X-GitHub-Delivery",
            UUID.randomUUID().toString());
    HttpResponse<String> response = server.post(path, PushReceiverTest.fixture(file), headers);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JSON.readTree(response.body()).path("accepted").asInt()).isPositive();
    assertThat(sink.images()).isNotEmpty();
    assertThat(sink.images().get(0)).startsWith(first);
  }

  @Test
  void anyOtherMethodIs405WithTheIntakesJsonAnswer() throws Exception {
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response response = connection.head("GET", "/v1/webhooks/registry", BEARER).read();

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("POST");
      assertThat(response.body())
          .isEqualTo("{\"error\":\"method GET is not allowed: POST only\"}\n");
    }
  }

  @Test
  void pushesShareOneKeepAliveConnectionAndABadBodyDoesNotEndIt() throws Exception {
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response first = connection.post("/event", envelope("app", "1.0.0"), BEARER).read();
      RawHttps.Response malformed =
          connection
              .post("/event", "{\"events\": {}}".getBytes(StandardCharsets.UTF_8), BEARER)
              .read();
      RawHttps.Response second = connection.post("/event", envelope("app", "1.0.1"), BEARER).read();

      assertThat(first.status()).isEqualTo(202);
      assertThat(first.body()).isEqualTo("{\"accepted\":1,\"ignored\":0,\"duplicates\":0}\n");
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.body())
          .isEqualTo(
              "{\"error\":\"expected a notification envelope: \\\"events\\\" must be an array of"
                  + " events\"}\n");
      assertThat(second.status()).isEqualTo(202);
      assertThat(second.header("Connection")).isNull();
    }
    assertThat(sink.images()).containsExactly("r.example/app:1.0.0", "r.example/app:1.0.1");
  }

  @Test
  void aDeclaredBodyOver1MiBIs413BeforeItIsSent() throws Exception {
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response response =
          connection
              .head(
                  "POST",
                  "/v1/webhooks/registry",
                  Map.of("Authorization", "Bearer " + TOKEN, "Content-Length", "" + (MIB + 1)))
              .read();

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.body()).contains("request body exceeds 1 MiB");
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aStreamedBodyIsRefusedAsSoonAsItPasses1MiB() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      connection.head(
          "POST",
          "/v1/webhooks/registry",
          Map.of("Authorization", "Bearer " + TOKEN, "Transfer-Encoding", "chunked"));
      for (int sent = 0; sent < MIB; sent += chunk.length) {
        connection.chunk(chunk); // exactly 1 MiB: still read
      }
      // One byte more, in a single small write: the server refuses it and closes, and the client
      // has nothing left to write into the closed connection (a larger last write raced the close
      // and failed with a broken pipe now and then).
      connection.chunk(new byte[] {' '});
      RawHttps.Response response = connection.read();

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(connection.closedByServer()).isTrue();
    }
    assertThat(sink.events()).isEmpty();
  }

  @Test
  void aBodyOfExactly1MiBIsRead() throws Exception {
    byte[] body = new byte[MIB];
    Arrays.fill(body, (byte) ' ');
    byte[] envelope = envelope("big", "1.0.0");
    System.arraycopy(envelope, 0, body, 0, envelope.length);

    HttpResponse<String> response = server.post("/v1/webhooks/registry", body, BEARER);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(sink.images()).containsExactly("r.example/big:1.0.0");
  }

  @Test
  void aWrongTokenIsRefusedBeforeTheBodyAndTheConnectionClosed() throws Exception {
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response response =
          connection
              .head(
                  "POST",
                  "/v1/webhooks/registry",
                  Map.of("X-Argoos-Token", "not-" + TOKEN, "Content-Length", "120"))
              .read();

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.body()).isEqualTo("{\"error\":\"wrong token (X-Argoos-Token)\"}\n");
      assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mirrorgate\"");
      assertThat(response.body()).doesNotContain(TOKEN);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aWrongTokenGetsOneLogLineThatNeverHoldsTheToken() throws Exception {
    String presented = "presented-" + UUID.randomUUID();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(PushIntake.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    LogstashEncoder json = new LogstashEncoder();
    json.start();
    try {
      HttpResponse<String> response =
          server.post(
              "/event",
              envelope("secret", "1.0.0"),
              Map.of("X-Argoos-Token", presented, "X-Argoos-Registry-Name", "r.example:5000"));

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(lines.list).hasSize(1);
      String line = new String(json.encode(lines.list.get(0)), StandardCharsets.UTF_8);
      assertThat(line)
          .contains("push intake refused a request: wrong token (X-Argoos-Token)")
          .contains("\"status\":401")
          .contains("\"registryName\":\"r.example:5000\"")
          .doesNotContain(presented)
          .doesNotContain(TOKEN);
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void expectContinueIsGrantedOnlyToARequestThatPassedTheChecks() throws Exception {
    byte[] body = envelope("expect", "2.0.0");
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response interim =
          connection
              .head(
                  "POST",
                  "/v1/webhooks/registry",
                  Map.of(
                      "Authorization", "Bearer " + TOKEN,
                      "Expect", "100-continue",
                      "Content-Length", "" + body.length))
              .read();
      RawHttps.Response response = connection.write(body).read();

      assertThat(interim.status()).isEqualTo(100);
      assertThat(response.status()).isEqualTo(202);
    }
    try (RawHttps connection = new RawHttps(ca.clientContext(), server.port())) {
      RawHttps.Response response =
          connection
              .head(
                  "POST",
                  "/v1/webhooks/registry",
                  Map.of("Expect", "100-continue", "Content-Length", "" + body.length))
              .read();

      assertThat(response.status()).isEqualTo(401);
    }
    assertThat(sink.images()).containsExactly("r.example/expect:2.0.0");
  }

  @Test
  void answersAndEventsAreCounted() throws Exception {
    double accepted =
        server.metric(
            "mirrorgate_intake_events_total", Map.of("source", "quay", "result", "accepted"));
    double unauthorized =
        server.metric(
            "mirrorgate_intake_requests_total", Map.of("endpoint", "quay", "status", "401"));

    server.post(
        "/v1/webhooks/quay?token=" + TOKEN, PushReceiverTest.fixture("quay.json"), Map.of());
    server.post("/v1/webhooks/quay?token=wrong", PushReceiverTest.fixture("quay.json"), Map.of());

    assertThat(
            server.metric(
                "mirrorgate_intake_events_total", Map.of("source", "quay", "result", "accepted")))
        .isEqualTo(accepted + 2);
    assertThat(
            server.metric(
                "mirrorgate_intake_requests_total", Map.of("endpoint", "quay", "status", "401")))
        .isEqualTo(unauthorized + 1);
    assertThat(server.scrape())
        .contains("mirrorgate_intake_request_duration_seconds_count{endpoint=\"quay\"}")
        .doesNotContain(TOKEN);
  }

  /** A distribution notification of one tagged manifest push, with a fresh event id. */
  static byte[] envelope(String repository, String tag) {
    return """
        {"events": [{"id": "%s", "action": "push", "request": {"host": "r.example"},
          "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "repository": "%s", "tag": "%s"}}]}
        """
        .formatted(UUID.randomUUID(), repository, tag)
        .getBytes(StandardCharsets.UTF_8);
  }
}
