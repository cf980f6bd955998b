package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.common.testing.TestPki;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push-to-deploy end to end with real components: Debian's {@code docker-registry} notifies the
 * controller's intake over TLS with a Bearer token from Secret mirrorgate-webhook-tokens, skopeo
 * pushes, and Deployments on a real API server roll to exactly the pushed digest; a second registry
 * sends no notifications, and its images arrive by polling ({@code keel.sh/trigger: poll}) or by
 * the resync.
 */
class RegistryPushToDeployIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "push-" + java.util.UUID.randomUUID();

  @TempDir static Path dir;
  static Processes procs;
  static ControllerFixture fixture;
  static ControllerApp controller;
  static String ns;
  static int notifying;
  static int silent;

  @BeforeAll
  static void start() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo", "openssl")) {
      assumeThat(Files.isExecutable(Path.of("/usr/bin", binary)))
          .as(binary + " is not installed (bash .ci/install-deps)")
          .isTrue();
    }
    procs = new Processes(dir);
    fixture = new ControllerFixture(api);
    fixture.installCrds();
    String controllerNs = api.createNamespace("mirrorgate");
    ns = api.createNamespace("apps");
    TestPki pki = TestPki.create(procs, dir.resolve("pki"), "localhost");
    ObjectNode tokens =
        ControllerFixture.yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: mirrorgate-webhook-tokens, namespace: %s}\n"
                .formatted(controllerNs));
    tokens
        .putObject("data")
        .put("ci", Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
    fixture.rest().apply(ApiResource.SECRETS, tokens);
    controller =
        fixture.start(
            controllerNs,
            "--tls-cert=" + pki.serverCert(),
            "--tls-key=" + pki.serverKey(),
            "--debounce=300ms",
            "--resync=4s");
    await().atMost(WAIT).until(controller::ready);

    notifying = Registries.freePort();
    Path config =
        Files.writeString(
            dir.resolve("notifying.yml"),
            """
            version: 0.1
            log: {level: info}
            storage:
              filesystem: {rootdirectory: %s}
            http: {addr: 127.0.0.1:%d}
            notifications:
              endpoints:
                - name: mirrorgate
                  url: https://localhost:%d/v1/webhooks/registry
                  headers:
                    Authorization: ["Bearer %s"]
                  timeout: 5s
                  threshold: 5
                  backoff: 1s
            """
                .formatted(dir.resolve("notifying-data"), notifying, controller.port(), TOKEN));
    Registries.start(
        procs, "notifying", config, notifying, Map.of("SSL_CERT_FILE", pki.caCert().toString()));
    silent = Registries.startPlain(procs, dir, "silent");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (procs != null) {
      procs.close();
    }
  }

  /** Pushes a one-layer image whose content names it; returns its digest. */
  private static String push(int port, String repository, String tag, String content)
      throws Exception {
    Path layout = Files.createTempDirectory(dir, "oci");
    String digest = OciImage.write(layout, tag, "content.txt", content + "\n");
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

  private static void deployment(String name, String annotations, String image) throws Exception {
    fixture
        .rest()
        .apply(
            ApiResource.DEPLOYMENTS,
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  namespace: %s
                  annotations:
                %s
                spec:
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: %s}]
                """
                    .formatted(name, ns, annotations.indent(4), name, name, image)));
  }

  private static String image(String deployment) throws Exception {
    return fixture
        .rest()
        .get(ApiResource.DEPLOYMENTS, ns, deployment)
        .orElseThrow()
        .node()
        .at("/spec/template/spec/containers/0/image")
        .asText();
  }

  private static Optional<JsonNode> update(String deployment, String to) throws Exception {
    return fixture.rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
        .map(KubeObject::node)
        .filter(u -> u.at("/spec/workload/name").asText().equals(deployment))
        .filter(u -> u.at("/spec/to").asText().equals(to))
        .findFirst();
  }

  @Test
  void aPushRollsOutThePushedDigestThroughRealNotifications() throws Exception {
    String repo = "127.0.0.1:" + notifying + "/apps/shop";
    push(notifying, "apps/shop", "1.0.0", "shop 1.0.0");
    deployment("shop", "keel.sh/policy: minor", repo + ":1.0.0");
    await().atMost(WAIT).until(() -> controllerSees("shop"));

    String digest = push(notifying, "apps/shop", "1.1.0", "shop 1.1.0");
    await().atMost(WAIT).until(() -> image("shop").equals(repo + ":1.1.0@" + digest));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode update = update("shop", repo + ":1.1.0@" + digest).orElseThrow();
              assertThat(update.at("/spec/trigger").asText()).isEqualTo("registry");
              assertThat(update.at("/status/phase").asText()).isEqualTo("Applied");
            });
  }

  @Test
  void aRePushedTagRollsOutItsNewDigest() throws Exception {
    String repo = "127.0.0.1:" + notifying + "/apps/web";
    String first = push(notifying, "apps/web", "latest", "web one");
    deployment(
        "web", "keel.sh/policy: force\nkeel.sh/matchTag: \"true\"", repo + ":latest@" + first);
    await().atMost(WAIT).until(() -> controllerSees("web"));

    String second = push(notifying, "apps/web", "latest", "web two");
    assertThat(second).isNotEqualTo(first);
    await().atMost(WAIT).until(() -> image("web").equals(repo + ":latest@" + second));
  }

  @Test
  void aPollTriggeredWorkloadFindsWhatASilentRegistryHolds() throws Exception {
    String repo = "127.0.0.1:" + silent + "/apps/polled";
    push(silent, "apps/polled", "2.0.0", "polled 2.0.0");
    deployment(
        "polled",
        "keel.sh/policy: patch\nkeel.sh/trigger: poll\nkeel.sh/pollSchedule: \"@every 2s\"",
        repo + ":2.0.0");
    await().atMost(WAIT).until(() -> controllerSees("polled"));

    String digest = push(silent, "apps/polled", "2.0.1", "polled 2.0.1");
    push(silent, "apps/polled", "2.1.0", "polled 2.1.0"); // not a patch
    await().atMost(WAIT).until(() -> image("polled").equals(repo + ":2.0.1@" + digest));
    assertThat(
            update("polled", repo + ":2.0.1@" + digest).orElseThrow().at("/spec/trigger").asText())
        .isEqualTo("poll");
  }

  @Test
  void theResyncCatchesAPushNobodyWasToldAbout() throws Exception {
    String repo = "127.0.0.1:" + silent + "/apps/quiet";
    push(silent, "apps/quiet", "3.0.0", "quiet 3.0.0");
    deployment("quiet", "keel.sh/policy: minor", repo + ":3.0.0");
    await().atMost(WAIT).until(() -> controllerSees("quiet"));

    String digest = push(silent, "apps/quiet", "3.1.0", "quiet 3.1.0");
    await().atMost(WAIT).until(() -> image("quiet").equals(repo + ":3.1.0@" + digest));
    assertThat(
            update("quiet", repo + ":3.1.0@" + digest).orElseThrow().at("/spec/trigger").asText())
        .isEqualTo("resync");
  }

  /** Whether the controller's index holds the workload (its informer has seen it). */
  private static boolean controllerSees(String name) {
    return controller.tracks("Deployment/" + ns + "/" + name);
  }

  static KubeRest rest() {
    return fixture.rest();
  }
}
