package dev.mirrorgate.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.webhook.owned.Htpasswd;
import dev.mirrorgate.webhook.owned.PodFiles;
import dev.mirrorgate.webhook.owned.RegistryLayout;
import dev.mirrorgate.webhook.owned.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered Registry runs for real: Debian's {@code docker-registry} with exactly the {@code
 * config.yml}, certificate, htpasswd mount and environment the renderer produced (only the listen
 * address and paths moved out of the pod). skopeo pushes to it with the push users' credentials,
 * and the registry notifies a test receiver standing in for mirrorgate's intake, over TLS from
 * mirrorgate's CA (trusted through {@code SSL_CERT_FILE}), with the Bearer token and {@code
 * X-Mirrorgate-Registry-Name}; pulls are not notified.
 */
class RegistryNotificationIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String TOKEN = "t0ken-" + java.util.UUID.randomUUID();

  @TempDir static Path dir;
  static Processes procs;
  static TestCa mirrorgateCa;
  static NotificationReceiver receiver;
  static int port;
  static Path certs;
  static RegistryLayout layout;
  static RegistrySpec spec;

  @BeforeAll
  static void start() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo")) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/bin", binary)),
          binary + " is not installed (bash .ci/install-deps)");
    }
    procs = new Processes(dir);
    mirrorgateCa = TestCa.create("mirrorgate test CA");
    certs = mirrorgateCa.certDir(dir.resolve("certs"));
    receiver = new NotificationReceiver(mirrorgateCa.loopback());

    JsonNode cr =
        YAML.readTree(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: Registry
            metadata: {name: builds, namespace: apps, uid: 7d1c2a3b-0000-4000-8000-000000000001}
            spec:
              nodeLocal: {port: 5000}
              auth: {htpasswdSecret: push-users}
            """);
    spec = new RegistrySpecParser().parse(cr).get();
    ObjectNode users =
        (ObjectNode)
            YAML.readTree(
                "{apiVersion: v1, kind: Secret, metadata: {name: push-users, namespace: apps}}");
    users
        .putObject("data")
        .put(
            "htpasswd",
            base64(
                "# push users\n"
                    + Htpasswd.line("alice", "wonder land")
                    + Htpasswd.line("bob", "b")));
    assertThat(RegistrySpecParser.htpasswdProblems(spec, users)).isEmpty();

    RegistryRenderer renderer = new RegistryRenderer();
    RegistryInputs inputs =
        new RegistryInputs(
            Optional.of(new NotificationEndpoint(receiver.url(), TOKEN, mirrorgateCa.pem())),
            "http-secret-" + java.util.UUID.randomUUID());
    port = Registries.freePort();
    layout = PodFiles.layout(dir.resolve("registry"), port);
    IssuedCertificate leaf = mirrorgateCa.issue(renderer.certificateNames(spec, "127.0.0.1"));
    ObjectNode tls =
        renderer.tlsSecret(
            spec, leaf.certificateChainPem(), leaf.privateKeyPem(), mirrorgateCa.pem());
    ObjectNode config = renderer.configSecret(spec, inputs);
    ((ObjectNode) config.get("data"))
        .put("config.yml", base64(renderer.configYaml(spec, inputs, layout)));
    ObjectNode deployment =
        renderer.deployment(spec, inputs, leaf.certificateChainPem(), "", layout);
    PodFiles pod = new PodFiles(deployment).with(tls).with(config).with(users);
    pod.mount();
    assertThat(pod.env()).containsEntry("SSL_CERT_FILE", layout.notificationCaFile());
    Registries.start(procs, "registry", pod.configFile(), port, pod.env());
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
    if (procs != null) {
      procs.close();
    }
  }

  @Test
  void aPushIsNotifiedWithTheTokenAndTheRegistryNameOverTls() throws Exception {
    String digest = push("apps/shop", "1.0.0", "alice:wonder land");

    JsonNode event = awaitPushEvent("apps/shop", "1.0.0");
    assertThat(event.at("/target/digest").asText()).isEqualTo(digest);
    NotificationReceiver.Delivery delivery =
        receiver.deliveries().stream()
            .filter(d -> d.envelope().toString().contains("\"tag\":\"1.0.0\""))
            .findFirst()
            .orElseThrow();
    assertThat(delivery.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(delivery.header("X-Mirrorgate-Registry-Name")).isEqualTo("localhost:5000");
  }

  /**
   * The configuration asks distribution to ignore pulls ({@code ignore.actions: [pull]}), which 3.x
   * honours. distribution 2.8 (Debian's, {@code registry:2}) parses but never applies it, so
   * mirrorgate's intake must take pull events too (it answers 202 and counts them): they arrive
   * with the same token and name.
   */
  @Test
  void pullsAreIgnoredWhereDistributionCanAndOtherwiseCarryTheTokenToo() throws Exception {
    JsonNode endpoint =
        YAML.readTree(Files.readString(Path.of(layout.configFile())))
            .at("/notifications/endpoints/0");
    assertThat(endpoint.at("/ignore/actions").toString()).isEqualTo("[\"pull\"]");

    push("apps/pulled", "1.0.0", "alice:wonder land");
    awaitPushEvent("apps/pulled", "1.0.0");
    Processes.Result pulled =
        procs.run(
            List.of(
                "skopeo",
                "inspect",
                "--cert-dir",
                certs.toString(),
                "--creds",
                "bob:b",
                "docker://127.0.0.1:" + port + "/apps/pulled:1.0.0"));
    assertThat(pulled.exit()).as(pulled.output()).isZero();
    // Deliveries to one endpoint are sent in order: once a later push arrives, a pull would have.
    push("apps/pulled", "1.0.1", "alice:wonder land");
    awaitPushEvent("apps/pulled", "1.0.1");

    List<JsonNode> pulls =
        receiver.events().stream().filter(e -> e.path("action").asText().equals("pull")).toList();
    String version = procs.ok(List.of("docker-registry", "--version"));
    if (version.matches("(?s).* v?2\\.[0-9.]+.*")) {
      assertThat(pulls).as("distribution 2.8 does not apply ignore.actions").isNotEmpty();
    } else {
      assertThat(pulls).as(version).isEmpty();
    }
    assertThat(receiver.deliveries())
        .allSatisfy(d -> assertThat(d.header("Authorization")).isEqualTo("Bearer " + TOKEN))
        .allSatisfy(
            d -> assertThat(d.header("X-Mirrorgate-Registry-Name")).isEqualTo("localhost:5000"));
  }

  @Test
  void onlyThePushUsersMayPush() throws Exception {
    Processes.Result anonymous = copy("apps/anonymous", "1.0.0", null);
    Processes.Result wrong = copy("apps/anonymous", "1.0.0", "alice:not her password");

    assertThat(anonymous.exit()).as(anonymous.output()).isNotZero();
    assertThat(anonymous.output()).containsIgnoringCase("authentication required");
    assertThat(wrong.exit()).as(wrong.output()).isNotZero();
  }

  @Test
  void theProbePathAnswersWithoutCredentialsWhereTheApiDemandsThem() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(mirrorgateCa.clientContext()).build();
    String probePath =
        new RegistryRenderer()
            .deployment(spec, new RegistryInputs(Optional.empty(), "s"), "", "")
            .at("/spec/template/spec/containers/0/readinessProbe/httpGet/path")
            .asText();

    assertThat(status(client, probePath)).isEqualTo(200);
    assertThat(status(client, "/v2/")).isEqualTo(401);
  }

  private static int status(HttpClient client, String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static JsonNode awaitPushEvent(String repository, String tag) {
    return await("a push event for " + repository + ":" + tag)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                receiver.events().stream()
                    .filter(e -> e.path("action").asText().equals("push"))
                    .filter(e -> e.at("/target/repository").asText().equals(repository))
                    .filter(e -> e.at("/target/tag").asText().equals(tag))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private static String push(String repository, String tag, String credentials) throws Exception {
    Processes.Result result = copy(repository, tag, credentials);
    assertThat(result.exit()).as(result.output() + procs.log("registry")).isZero();
    return Files.readString(dir.resolve("oci-" + tag).resolve("index.json"))
        .replaceAll("(?s).*\"digest\":\"(sha256:[0-9a-f]{64})\".*", "$1");
  }

  private static Processes.Result copy(String repository, String tag, String credentials)
      throws Exception {
    Path oci = dir.resolve("oci-" + tag);
    if (!Files.exists(oci)) {
      OciImage.write(oci, tag, "version.txt", tag + "\n");
    }
    List<String> command =
        new java.util.ArrayList<>(List.of("skopeo", "copy", "--dest-cert-dir", certs.toString()));
    if (credentials != null) {
      command.addAll(List.of("--dest-creds", credentials));
    }
    command.add("oci:" + oci + ":" + tag);
    command.add("docker://127.0.0.1:" + port + "/" + repository + ":" + tag);
    return procs.run(command);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
