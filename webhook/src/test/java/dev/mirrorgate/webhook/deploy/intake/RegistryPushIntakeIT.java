package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.common.update.intake.PushEvent;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.owned.TestCa;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real registries notify a real intake: Debian's {@code docker-registry} (distribution), pushed to
 * by skopeo, posts its notifications over TLS (trusting the intake's CA through {@code
 * SSL_CERT_FILE}) to the controller's HTTPS server with the intake mounted; the tokens come from
 * Secret {@code mirrorgate-webhook-tokens} on a real API server, read by an informer that runs with
 * a ServiceAccount holding only the shipped controller Role. Registries are configured the way
 * mirrorgate's Registry objects are ({@code /v1/webhooks/registry}, {@code Authorization: Bearer},
 * {@code X-Mirrorgate-Registry-Name}) and the way Argoos's users configured theirs ({@code /event},
 * {@code X-Argoos-Token}, {@code X-Argoos-Registry-Name}, a 500 ms timeout).
 */
class RegistryPushIntakeIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DELIVERY = Duration.ofSeconds(90);

  @TempDir static Path shared;
  static String namespace;
  static KubeRest admin;
  static Informer secretInformer;
  static WebhookTokenSecret tokens;
  static TestCa ca;
  static Path caFile;
  static CollectingPushSink sink;
  static IntakeServer intake;

  @TempDir Path dir;
  Processes procs;

  @BeforeAll
  static void start() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo")) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/bin", binary)),
          binary + " is not installed (bash .ci/install-deps)");
    }
    namespace = api.createNamespace("intake");
    admin = new KubeRest(api.client(), JSON);
    KubeRest watches =
        new KubeRest(api.clientFor(controllerServiceAccountToken(), Duration.ZERO), JSON);
    secretInformer =
        new Informer(
            watches,
            ApiResource.SECRETS,
            WebhookTokenSecret.query(namespace),
            Informer.WITHOUT_MANAGED_FIELDS);
    tokens = new WebhookTokenSecret(secretInformer, namespace);
    secretInformer.start();
    await("the token Secret listed")
        .atMost(Duration.ofSeconds(30))
        .until(secretInformer::hasSynced);

    ca = TestCa.create("controller test CA");
    caFile = ca.file(shared.resolve("ca.crt"));
    sink = new CollectingPushSink();
    intake = new IntakeServer(ca, tokens, sink, false);
  }

  @AfterAll
  static void stop() {
    if (intake != null) {
      intake.close();
    }
    if (secretInformer != null) {
      secretInformer.close();
    }
  }

  @BeforeEach
  void processes() {
    procs = new Processes(dir);
  }

  @AfterEach
  void stopProcesses() {
    procs.close();
  }

  @Test
  void aMirrorgateRegistrysTaggedManifestPushesReachTheSinkOnceEach() throws Exception {
    String token = "registry-" + UUID.randomUUID();
    setTokens(Map.of("registry-apps-builds", token));
    double ignoredBefore = eventCount("ignored");
    int port =
        startRegistry(
            "builds",
            intake.url("/v1/webhooks/registry"),
            Map.of(
                "Authorization", "Bearer " + token, "X-Mirrorgate-Registry-Name", "localhost:5000"),
            "5s",
            false);

    String shop1 = push(port, "apps/shop", "1.0.0");
    String shop2 = push(port, "apps/shop", "1.1.0");
    String cart = push(port, "apps/cart", "2.0.0");
    procs.ok(
        List.of(
            "skopeo",
            "inspect",
            "--tls-verify=false",
            "docker://127.0.0.1:" + port + "/apps/shop:1.0.0"));
    String last = push(port, "apps/last", "9.9.9");
    awaitEvent("localhost:5000/apps/last:9.9.9@" + last);

    // Deliveries to one endpoint go in order: all earlier events have arrived with the last.
    assertThat(imagesOf("localhost:5000"))
        .containsExactly(
            "localhost:5000/apps/shop:1.0.0@" + shop1,
            "localhost:5000/apps/shop:1.1.0@" + shop2,
            "localhost:5000/apps/cart:2.0.0@" + cart,
            "localhost:5000/apps/last:9.9.9@" + last);
    PushEvent first = eventsOf("localhost:5000").get(0);
    assertThat(first.registry()).isEqualTo("localhost:5000");
    assertThat(first.repository()).isEqualTo("apps/shop");
    assertThat(first.tag()).isEqualTo("1.0.0");
    assertThat(first.digest()).isEqualTo(shop1);
    assertThat(first.eventId()).isNotBlank();
    assertThat(first.source()).isEqualTo(PushEvent.Source.REGISTRY);
    assertThat(eventCount("ignored"))
        .as("layer and config blobs, the pull")
        .isGreaterThan(ignoredBefore + 4);
  }

  @Test
  void anArgoosRegistryWithAnUnknownTokenIs401AndRetriesUntilTheSecretHasIt() throws Exception {
    String token = "argoos-" + UUID.randomUUID();
    setTokens(Map.of("someone-else", "other-" + UUID.randomUUID()));
    double refusedBefore = requestCount("event", 401);
    int port =
        startRegistry(
            "argoos",
            intake.url("/event"),
            Map.of("X-Argoos-Token", token, "X-Argoos-Registry-Name", "registry.example:5000"),
            "500ms",
            true);

    String digest = push(port, "team/api", "1.0.0");
    await("the registry retrying after 401s")
        .atMost(DELIVERY)
        .until(() -> requestCount("event", 401) >= refusedBefore + 3);
    assertThat(imagesOf("registry.example:5000")).isEmpty();

    setTokens(Map.of("someone-else", "other", "argoos", token));
    awaitEvent("registry.example:5000/team/api:1.0.0@" + digest);
    String last = push(port, "team/last", "1.0.0");
    awaitEvent("registry.example:5000/team/last:1.0.0@" + last);

    assertThat(imagesOf("registry.example:5000"))
        .containsExactly(
            "registry.example:5000/team/api:1.0.0@" + digest,
            "registry.example:5000/team/last:1.0.0@" + last);
  }

  @Test
  void answersTooSlowForTheRegistryAreRedeliveredAndTakenOnce() throws Exception {
    String token = "slow-" + UUID.randomUUID();
    setTokens(Map.of("argoos", token));
    double duplicatesBefore = eventCount("duplicate");
    try (SlowAnswerProxy proxy = new SlowAnswerProxy(intake.port())) {
      int port =
          startRegistry(
              "slow",
              "https://127.0.0.1:" + proxy.port() + "/event",
              Map.of("X-Argoos-Token", token, "X-Argoos-Registry-Name", "slow.example:5000"),
              "500ms",
              true);
      proxy.delayAnswers(Duration.ofMillis(1500));

      String digest = push(port, "team/slow", "1.0.0");
      awaitEvent("slow.example:5000/team/slow:1.0.0@" + digest);
      await("redeliveries of the event the intake took")
          .atMost(DELIVERY)
          .until(() -> eventCount("duplicate") >= duplicatesBefore + 2);
      proxy.delayAnswers(Duration.ZERO);
      String last = push(port, "team/last", "1.0.0");
      awaitEvent("slow.example:5000/team/last:1.0.0@" + last);

      assertThat(imagesOf("slow.example:5000"))
          .containsExactly(
              "slow.example:5000/team/slow:1.0.0@" + digest,
              "slow.example:5000/team/last:1.0.0@" + last);
    }
  }

  @Test
  void aRotatedTokenTakesEffectWithoutARestart() throws Exception {
    String old = "old-" + UUID.randomUUID();
    String next = "next-" + UUID.randomUUID();
    Map<String, String> name = Map.of("X-Mirrorgate-Registry-Name", "rotate.example:5000");
    setTokens(Map.of("registry", old));
    int before =
        startRegistry(
            "before",
            intake.url("/v1/webhooks/registry"),
            with(name, "Bearer " + old),
            "5s",
            false);
    String one = push(before, "apps/rotated", "1.0.0");
    awaitEvent("rotate.example:5000/apps/rotated:1.0.0@" + one);

    // Step 1: the new token joins; both are valid.
    setTokens(Map.of("registry", old, "registry-next", next));
    assertThat(directPost(next)).isEqualTo(202);
    String two = push(before, "apps/rotated", "2.0.0");
    awaitEvent("rotate.example:5000/apps/rotated:2.0.0@" + two);

    // Step 2: the registry moves to the new token, then the old one leaves the Secret.
    procs.close();
    procs = new Processes(Files.createDirectories(dir.resolve("after")));
    int after =
        startRegistry(
            "after",
            intake.url("/v1/webhooks/registry"),
            with(name, "Bearer " + next),
            "5s",
            false);
    setTokens(Map.of("registry-next", next));
    assertThat(directPost(old)).isEqualTo(401);
    String three = push(after, "apps/rotated", "3.0.0");
    awaitEvent("rotate.example:5000/apps/rotated:3.0.0@" + three);

    assertThat(imagesOf("rotate.example:5000"))
        .containsExactly(
            "rotate.example:5000/apps/rotated:1.0.0@" + one,
            "rotate.example:5000/apps/rotated:2.0.0@" + two,
            "rotate.example:5000/apps/rotated:3.0.0@" + three);
  }

  /** Applies Secret mirrorgate-webhook-tokens with exactly {@code values}; waits until in force. */
  private static void setTokens(Map<String, String> values) throws Exception {
    ObjectNode secret = JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    secret.putObject("metadata").put("name", WebhookTokenSecret.NAME).put("namespace", namespace);
    ObjectNode data = secret.putObject("data");
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    admin.apply(ApiResource.SECRETS, secret);
    await("the intake using tokens " + values.keySet())
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                tokens
                    .current()
                    .filter(t -> t.names().size() == values.size())
                    .filter(t -> values.values().stream().allMatch(t::matches))
                    .isPresent());
  }

  /**
   * A ServiceAccount bound to the controller Role exactly as manifests/kustomize/controller ships
   * it (namespace moved), and a token for it.
   */
  private static String controllerServiceAccountToken() throws Exception {
    ApiResource serviceAccounts =
        new ApiResource("", "v1", "serviceaccounts", "ServiceAccount", true);
    ApiResource roles = new ApiResource("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
    ApiResource bindings =
        new ApiResource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true);
    ObjectNode account = JSON.createObjectNode();
    account.put("apiVersion", "v1").put("kind", "ServiceAccount");
    account.putObject("metadata").put("name", "mirrorgate-controller").put("namespace", namespace);
    admin.create(serviceAccounts, account);
    Path rbac = Path.of("..", "manifests", "kustomize", "controller", "rbac.yaml");
    for (ObjectNode document : ControllerFixture.documents(rbac)) {
      String kind = document.path("kind").asText();
      if (!kind.equals("Role") && !kind.equals("RoleBinding")) {
        continue;
      }
      document.with("metadata").put("namespace", namespace);
      if (kind.equals("RoleBinding")) {
        ((ObjectNode) document.get("subjects").get(0)).put("namespace", namespace);
      }
      admin.create(kind.equals("Role") ? roles : bindings, document);
    }
    return new CoreV1Api(api.client())
        .createNamespacedServiceAccountToken(
            "mirrorgate-controller",
            namespace,
            new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().audiences(List.of())))
        .execute()
        .getStatus()
        .getToken();
  }

  /**
   * Starts a plain-HTTP registry on 127.0.0.1 that notifies {@code url} with {@code headers}; with
   * {@code onlyManifests}, blob events are not sent (distribution's {@code ignoredmediatypes}), so
   * that every redelivery is one of a manifest.
   */
  private int startRegistry(
      String name, String url, Map<String, String> headers, String timeout, boolean onlyManifests)
      throws Exception {
    int port = Registries.freePort();
    StringBuilder headerYaml = new StringBuilder();
    headers.forEach(
        (k, v) ->
            headerYaml.append("        ").append(k).append(": [\"").append(v).append("\"]\n"));
    String config =
        """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        notifications:
          endpoints:
            - name: mirrorgate
              url: %s
              headers:
        %s      timeout: %s
              threshold: 5
              backoff: 1s
        """
            .formatted(dir.resolve(name + "-data"), port, url, headerYaml, timeout);
    if (onlyManifests) {
      config += "      ignoredmediatypes: [application/octet-stream]\n";
    }
    Path file = Files.writeString(dir.resolve(name + ".yml"), config);
    Registries.start(procs, name, file, port, Map.of("SSL_CERT_FILE", caFile.toString()));
    return port;
  }

  /** Pushes a one-layer image (its content names the tag) by skopeo; returns its digest. */
  private String push(int port, String repository, String tag) throws Exception {
    Path layout = dir.resolve("oci-" + repository.replace('/', '-') + "-" + tag);
    String digest = OciImage.write(layout, tag, "version.txt", repository + ":" + tag + "\n");
    Processes.Result result =
        procs.run(
            List.of(
                "skopeo",
                "copy",
                "--dest-tls-verify=false",
                "oci:" + layout + ":" + tag,
                "docker://127.0.0.1:" + port + "/" + repository + ":" + tag));
    assertThat(result.exit()).as(result.output()).isZero();
    return digest;
  }

  private int directPost(String token) throws Exception {
    return intake
        .post(
            "/v1/webhooks/registry",
            PushIntakeHttpIT.envelope("direct", "1.0.0"),
            Map.of("Authorization", "Bearer " + token))
        .statusCode();
  }

  private void awaitEvent(String image) {
    await(image + " in the sink")
        .atMost(DELIVERY)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> sink.images().contains(image));
  }

  private static List<PushEvent> eventsOf(String registry) {
    return sink.events().stream().filter(e -> e.registry().equals(registry)).toList();
  }

  private static List<String> imagesOf(String registry) {
    return eventsOf(registry).stream().map(e -> e.image().normalized()).toList();
  }

  private static double eventCount(String result) {
    return intake.metric(
        "mirrorgate_intake_events_total", Map.of("source", "registry", "result", result));
  }

  private static double requestCount(String endpoint, int status) {
    return intake.metric(
        "mirrorgate_intake_requests_total", Map.of("endpoint", endpoint, "status", "" + status));
  }

  private static Map<String, String> with(Map<String, String> headers, String authorization) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Authorization", authorization);
    return all;
  }
}
