package dev.mirrorgate.webhook.ui;

import static org.assertj.core.api.Assertions.assertThat;
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
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole approval flow in a real browser, every part real: Debian's docker-registry notifies the
 * controller of a skopeo push, push-to-deploy holds the update as a Pending ImageUpdate (the
 * Deployment asks for one approval), a user logs in to the controller's UI in headless Chromium and
 * approves it, the Deployment rolls to the pushed digest and the page says so without a reload; a
 * second push is rejected in the page and nothing rolls out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushApprovalBrowserIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "push-" + java.util.UUID.randomUUID();

  @TempDir static Path dir;
  static Processes procs;
  static ControllerFixture fixture;
  static ControllerApp controller;
  static Browser browser;
  static ChromeDriver driver;
  static String ns;
  static int registry;
  static String repo;

  @BeforeAll
  static void start() throws Exception {
    procs = new Processes(dir);
    fixture = new ControllerFixture(api);
    fixture.installCrds();
    String controllerNs = api.createNamespace("mirrorgate");
    ns = api.createNamespace("shop");
    secret(controllerNs, "mirrorgate-webhook-tokens", Map.of("ci", TOKEN));
    secret(controllerNs, "mirrorgate-ui-users", Map.of("alice", "wonderland"));
    TestPki pki = TestPki.create(procs, dir.resolve("pki"), "localhost");
    controller =
        fixture.start(
            controllerNs,
            "--tls-cert=" + pki.serverCert(),
            "--tls-key=" + pki.serverKey(),
            "--debounce=300ms");
    await().atMost(WAIT).until(controller::ready);

    registry = Registries.freePort();
    repo = "127.0.0.1:" + registry + "/shop/web";
    Path config =
        Files.writeString(
            dir.resolve("registry.yml"),
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
                .formatted(dir.resolve("data"), registry, controller.port(), TOKEN));
    Registries.start(
        procs, "registry", config, registry, Map.of("SSL_CERT_FILE", pki.caCert().toString()));
    push("1.0.0");
    fixture
        .rest()
        .apply(
            ApiResource.DEPLOYMENTS,
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: %s
                  annotations: {keel.sh/policy: minor, keel.sh/approvals: "1"}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: "%s:1.0.0"}]
                """
                    .formatted(ns, repo)));
    await().atMost(WAIT).until(() -> controller.tracks("Deployment/" + ns + "/web"));
    browser = Browser.start();
    driver = browser.driver();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (fixture != null) {
      fixture.close();
    }
    if (procs != null) {
      procs.close();
    }
  }

  private static void secret(String namespace, String name, Map<String, String> values)
      throws Exception {
    ObjectNode secret =
        ControllerFixture.yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: %s}\n"
                .formatted(name, namespace));
    ObjectNode data = secret.putObject("data");
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    fixture.rest().apply(ApiResource.SECRETS, secret);
  }

  private static String push(String tag) throws Exception {
    Path layout = Files.createTempDirectory(dir, "oci");
    String digest = OciImage.write(layout, tag, "content.txt", "web " + tag + "\n");
    Processes.Result result =
        procs.run(
            List.of(
                "skopeo",
                "copy",
                "--dest-tls-verify=false",
                "oci:" + layout + ":" + tag,
                "docker://127.0.0.1:" + registry + "/shop/web:" + tag));
    assertThat(result.exit()).as(result.output()).isZero();
    return digest;
  }

  private static Optional<KubeObject> update(String to) throws Exception {
    return fixture.rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
        .filter(u -> u.node().at("/spec/to").asText().equals(to))
        .findFirst();
  }

  private static String image() throws Exception {
    return fixture
        .rest()
        .get(ApiResource.DEPLOYMENTS, ns, "web")
        .orElseThrow()
        .node()
        .at("/spec/template/spec/containers/0/image")
        .asText();
  }

  private static String url(String path) {
    return "https://localhost:" + controller.uiPort() + path;
  }

  private static WebDriverWait waitUp(int seconds) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  private static WebElement button(String vote, String update) {
    return driver.findElement(
        By.cssSelector(
            "form[data-update='" + ns + "/" + update + "'][data-vote=" + vote + "] button"));
  }

  @Test
  @Order(1)
  void aPushedUpdateIsApprovedInThePageAndRollsOut() throws Exception {
    String digest = push("1.1.0");
    KubeObject pending =
        await()
            .atMost(WAIT)
            .until(() -> update(repo + ":1.1.0@" + digest), Optional::isPresent)
            .get();
    await()
        .atMost(WAIT)
        .until(
            () ->
                "Pending"
                    .equals(
                        update(repo + ":1.1.0@" + digest)
                            .orElseThrow()
                            .node()
                            .at("/status/phase")
                            .asText()));
    assertThat(image()).isEqualTo(repo + ":1.0.0");

    driver.get(url("/login"));
    driver.findElement(By.id("username")).sendKeys("alice");
    driver.findElement(By.id("password")).sendKeys("wonderland", org.openqa.selenium.Keys.ENTER);
    waitUp(20).until(d -> d.findElement(By.tagName("h1")).getText().equals("Overview"));
    driver.get(url("/approvals"));
    waitUp(30)
        .until(
            d ->
                !d.findElements(
                        By.cssSelector(
                            "form[data-update='"
                                + ns
                                + "/"
                                + pending.name()
                                + "'][data-vote=approve] button"))
                    .isEmpty());
    browser.screenshot("push-approval-pending");
    ((org.openqa.selenium.JavascriptExecutor) driver)
        .executeScript("window.__mirrorgateNotReloaded = true;");
    waitUp(20)
        .until(
            d -> {
              button("approve", pending.name()).click();
              return true;
            });

    await().atMost(WAIT).until(() -> image().equals(repo + ":1.1.0@" + digest));
    waitUp(30)
        .until(
            d ->
                d.findElements(
                        By.cssSelector(
                            "form[data-update='"
                                + ns
                                + "/"
                                + pending.name()
                                + "'][data-vote=approve]"))
                    .isEmpty());
    assertThat(
            ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return window.__mirrorgateNotReloaded === true;"))
        .as("the page updated without a reload")
        .isEqualTo(true);
    JsonNode applied = update(repo + ":1.1.0@" + digest).orElseThrow().node();
    assertThat(applied.at("/status/phase").asText()).isEqualTo("Applied");
    assertThat(applied.at("/status/approvals/0/voter").asText()).isEqualTo("alice");
    browser.screenshot("push-approval-applied");
  }

  @Test
  @Order(2)
  void anotherPushIsRejectedInThePageAndNothingRollsOut() throws Exception {
    String before = image();
    String digest = push("1.2.0");
    KubeObject pending =
        await()
            .atMost(WAIT)
            .until(() -> update(repo + ":1.2.0@" + digest), Optional::isPresent)
            .get();
    driver.get(url("/approvals"));
    waitUp(30)
        .until(
            d ->
                !d.findElements(
                        By.cssSelector(
                            "form[data-update='"
                                + ns
                                + "/"
                                + pending.name()
                                + "'][data-vote=reject] button"))
                    .isEmpty());
    waitUp(20)
        .until(
            d -> {
              button("reject", pending.name()).click();
              return true;
            });
    await()
        .atMost(WAIT)
        .until(
            () ->
                "Rejected"
                    .equals(
                        update(repo + ":1.2.0@" + digest)
                            .orElseThrow()
                            .node()
                            .at("/status/phase")
                            .asText()));
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> image().equals(before));
  }
}
