package dev.mirrorgate.webhook.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import dev.mirrorgate.webhook.registry.RegistrySources;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.Simulator;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import dev.mirrorgate.webhook.ui.data.Votes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's Chromium, headless, through chromedriver) against the UI
 * as the controller assembles it on a real API server: logging in (and a wrong password), the
 * pages, approving and rejecting pending ImageUpdates with the page updating itself without a
 * reload, a new pending update appearing live, a POST without the CSRF token refused, HTML-looking
 * names shown as text, the keyboard path. Screenshots of each page go to target/screenshots/.
 *
 * <p>The pending updates are created through the API server as push-to-deploy creates them; when
 * push-to-deploy lands, {@link #pendingUpdateFromAPush} becomes a real registry push and the test
 * also sees the Deployment change after the approval.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final ObjectMapper JSON = new ObjectMapper();
  static final String XSS = "<img src=x onerror=alert(1)>";
  static final Instant DEADLINE =
      Instant.now().plus(Duration.ofHours(20)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  static KubeRest admin;
  static String controllerNs;
  static String shop;
  static RealUi ui;
  static Browser browser;
  static ChromeDriver driver;
  static final List<Decision> decisions = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    new ControllerFixture(api).installCrds();
    admin = new KubeRest(api.client(), JSON);
    controllerNs = api.createNamespace("mirrorgate");
    shop = api.createNamespace("shop");
    List<TrackedWorkload> workloads = workloads(shop);
    seedDecisions(shop);
    Simulator simulator =
        pushed -> {
          List<Decision> out = new ArrayList<>();
          for (ImageReference ref : pushed) {
            for (TrackedWorkload w : workloads) {
              if (repository(w.image()).equals(ref.name())) {
                out.add(
                    new Decision(
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        w.namespace(),
                        w.kind(),
                        w.name(),
                        w.container(),
                        w.image(),
                        w.policy(),
                        "registry",
                        UpdateDecision.Outcome.UPDATE,
                        ref.normalized(),
                        "simulated: " + w.policy() + " accepts " + ref.tag()));
              }
            }
          }
          return out;
        };
    seedCluster();
    ui =
        new RealUi(
            api,
            controllerNs,
            new ControllerUi.Ports(() -> workloads, () -> List.copyOf(decisions), simulator));
    await().atMost(Duration.ofSeconds(60)).until(ui::synced);
    browser = Browser.start();
    driver = browser.driver();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (ui != null) {
      ui.close();
    }
  }

  @Test
  @Order(1)
  void aWrongPasswordKeepsYouOnTheLoginPageWithTheReason() throws Exception {
    driver.get(ui.url("/approvals"));
    await().until(() -> driver.getCurrentUrl().contains("/login"));
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Log in to mirrorgate");
    assertThat(driver.switchTo().activeElement().getAttribute("id"))
        .isEqualTo("username"); // autofocus
    driver.findElement(By.id("username")).sendKeys("alice");
    driver.findElement(By.id("password")).sendKeys("not-the-password");
    browser.screenshot("login");
    driver.findElement(By.id("password")).sendKeys(Keys.ENTER);
    WebElement error =
        wait(10).until(d -> d.findElement(By.cssSelector("[role=alert]#login-error")));
    assertThat(error.getText()).isEqualTo("wrong user name or password");
    assertThat(driver.getCurrentUrl()).contains("/login");
    assertThat(driver.findElement(By.id("username")).getAttribute("value")).isEqualTo("alice");
  }

  @Test
  @Order(2)
  void loggingInLeadsToTheOverview() throws Exception {
    driver.get(ui.url("/login"));
    driver.findElement(By.id("username")).sendKeys("alice");
    driver.findElement(By.id("password")).sendKeys("wonderland", Keys.ENTER);
    wait(10).until(d -> d.findElement(By.tagName("h1")).getText().equals("Overview"));
    String page = driver.findElement(By.tagName("main")).getText();
    assertThat(page)
        .contains("docker-hub")
        .contains("docker.io")
        .contains("10.96.0.15")
        .contains("builds");
    assertThat(driver.findElement(By.cssSelector(".user")).getText()).contains("alice");
    browser.screenshot("overview");
  }

  @Test
  @Order(3)
  void approvingUpdatesThePageWithoutAReloadAndRecordsTheVote() throws Exception {
    pendingUpdateFromAPush(
        "iu-web", "web", "ghcr.io/acme/shop-web:1.4.2", "ghcr.io/acme/shop-web:1.5.0");
    pendingUpdateFromAPush(
        "iu-api", "api", "ghcr.io/acme/shop-api:2.3.0", "ghcr.io/acme/shop-api:2.4.1");
    driver.get(ui.url("/approvals"));
    wait(20)
        .until(
            d ->
                d.findElements(
                            By.cssSelector(
                                "form[data-vote=approve][data-update='" + shop + "/iu-api']"))
                        .size()
                    == 1);
    markPage();
    browser.screenshot("approvals");
    click(() -> approveButton("iu-web"));
    wait(20)
        .until(
            d ->
                d.findElement(By.id("live-status"))
                    .getText()
                    .contains("alice approved " + shop + "/iu-web (1 of 2 votes)"));
    wait(20).until(d -> !approveButton("iu-web").isEnabled());
    assertThat(approveButton("iu-web").getText()).isEqualTo("You approved");
    assertThat(pageWasNotReloaded()).isTrue();
    JsonNode status =
        admin.get(Votes.IMAGE_UPDATES, shop, "iu-web").orElseThrow().node().path("status");
    assertThat(status.path("approvals").findValuesAsText("voter")).containsExactly("alice");
    // When push-to-deploy runs: enough votes → Approved → the Deployment's image changes.
  }

  @Test
  @Order(4)
  void aNewPendingUpdateAppearsLive() throws Exception {
    driver.get(ui.url("/approvals"));
    wait(10).until(d -> d.findElement(By.tagName("h1")).getText().equals("Approvals"));
    markPage();
    pendingUpdateFromAPush(
        "iu-worker", "worker", "ghcr.io/acme/shop-worker:0.9.0", "ghcr.io/acme/shop-worker:0.9.3");
    wait(20)
        .until(
            d ->
                d.findElements(
                            By.cssSelector(
                                "form[data-vote=approve][data-update='" + shop + "/iu-worker']"))
                        .size()
                    == 1);
    assertThat(pageWasNotReloaded()).isTrue();
  }

  @Test
  @Order(5)
  void rejectingRemovesTheUpdateAndNamesTheUser() throws Exception {
    driver.get(ui.url("/approvals"));
    wait(10)
        .until(
            d ->
                d.findElements(
                            By.cssSelector(
                                "form[data-vote=approve][data-update='" + shop + "/iu-api']"))
                        .size()
                    == 1);
    markPage();
    click(() -> rejectButton("iu-api"));
    wait(20)
        .until(
            d ->
                d.findElements(
                        By.cssSelector(
                            "form[data-vote=approve][data-update='" + shop + "/iu-api']"))
                    .isEmpty());
    assertThat(driver.findElement(By.id("live-status")).getText())
        .isEqualTo("alice rejected " + shop + "/iu-api");
    assertThat(pageWasNotReloaded()).isTrue();
    // the focus went to the message, not lost on <body>
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("live-status");
    JsonNode status =
        admin.get(Votes.IMAGE_UPDATES, shop, "iu-api").orElseThrow().node().path("status");
    assertThat(status.path("phase").asText()).isEqualTo("Rejected");
    assertThat(status.path("message").asText()).startsWith("rejected by alice at ");
  }

  @Test
  @Order(6)
  void aPostWithoutTheCsrfTokenIsRefused() {
    driver.get(ui.url("/approvals"));
    Object status =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/updates/"
                + shop
                + "/iu-worker/approve', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'}, body: '{}'})"
                + ".then(r => r.json().then(b => done(r.status + ' ' + b.error)));");
    assertThat(status).isEqualTo("403 the CSRF token is missing: reload the page and try again");
    Object form =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/simulate', {method: 'POST', headers: {'Content-Type':"
                + " 'application/x-www-form-urlencoded'}, body: 'pushed=nginx'})"
                + ".then(r => done(r.status));");
    assertThat(form).isEqualTo(403L);
  }

  @Test
  @Order(7)
  void workloadsShowHtmlLookingNamesAsText() throws Exception {
    driver.get(ui.url("/workloads"));
    wait(10).until(d -> d.findElement(By.tagName("h1")).getText().equals("Workloads"));
    assertThat(driver.findElement(By.tagName("main")).getText())
        .contains(XSS)
        .contains("shop-web")
        .contains("1.4.2");
    assertThat(driver.findElements(By.cssSelector("main img"))).isEmpty();
    assertNoAlert();
    browser.screenshot("workloads");
  }

  @Test
  @Order(8)
  void historyFiltersByPhase() throws Exception {
    driver.get(ui.url("/history"));
    wait(10).until(d -> d.findElement(By.tagName("h1")).getText().equals("History"));
    assertThat(driver.findElement(By.tagName("main")).getText())
        .contains("Applied")
        .contains("Rejected");
    browser.screenshot("history");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("phase")))
        .selectByValue("Applied");
    driver.findElement(By.cssSelector("form.filters button")).click();
    wait(10).until(d -> d.getCurrentUrl().contains("phase=Applied"));
    String table = driver.findElement(By.cssSelector("#updates-heading + div table")).getText();
    assertThat(table).contains("Applied").doesNotContain("Rejected");
  }

  @Test
  @Order(9)
  void simulateAndExplain() throws Exception {
    driver.get(ui.url("/simulate"));
    driver
        .findElement(By.id("pushed"))
        .sendKeys("ghcr.io/acme/shop-web:1.6.0\nghcr.io/acme/shop-api:3.0.0");
    driver.findElement(By.cssSelector("form[action='/simulate'] button")).click();
    wait(10).until(d -> d.findElements(By.id("simulated")).size() == 1);
    assertThat(driver.findElement(By.tagName("main")).getText())
        .contains("simulated: keel.sh/policy=minor accepts 1.6.0");
    driver.findElement(By.id("images")).sendKeys("nginx:1.27\nBad Image");
    driver.findElement(By.cssSelector("form[action='/explain'] button")).click();
    wait(10).until(d -> d.findElements(By.id("explained")).size() == 1);
    assertThat(driver.findElement(By.tagName("main")).getText())
        .contains("docker.io/library/nginx:1.27")
        .contains("mirror.local:5000/hub/library/nginx:1.27")
        .contains("Invalid:");
    browser.screenshot("simulate");
  }

  @Test
  @Order(10)
  void theKeyboardReachesTheContentFirst() {
    driver.get(ui.url("/"));
    driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement skip = driver.switchTo().activeElement();
    assertThat(skip.getText()).isEqualTo("Skip to content");
    skip.sendKeys(Keys.ENTER);
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
    assertThat(driver.findElements(By.cssSelector("nav[aria-label=Main] a[aria-current=page]")))
        .extracting(WebElement::getText)
        .containsExactly("Overview");
  }

  @Test
  @Order(11)
  void loggingOutEndsTheSession() {
    driver.get(ui.url("/"));
    driver.findElement(By.cssSelector("form.logout button")).click();
    wait(10).until(d -> d.getCurrentUrl().endsWith("/login"));
    driver.get(ui.url("/approvals"));
    wait(10).until(d -> d.getCurrentUrl().contains("/login?next=%2Fapprovals"));
  }

  // --- helpers

  static String repository(String image) {
    try {
      return ImageReference.parse(image).name();
    } catch (dev.mirrorgate.common.image.InvalidImageReferenceException e) {
      return "";
    }
  }

  /** A pending update of a Deployment in {@code shop}, as push-to-deploy records one. */
  static void pendingUpdateFromAPush(String name, String workload, String from, String to)
      throws Exception {
    TestImageUpdates.create(admin, shop, name, workload, "app", from, to, 2, DEADLINE, "Pending");
  }

  static WebElement approveButton(String update) {
    return driver.findElement(
        By.cssSelector(
            "form[data-update='" + shop + "/" + update + "'][data-vote=approve] button"));
  }

  static WebElement rejectButton(String update) {
    return driver.findElement(
        By.cssSelector("form[data-update='" + shop + "/" + update + "'][data-vote=reject] button"));
  }

  /** Clicks the element, finding it again if a live refresh replaced it meanwhile. */
  static void click(java.util.function.Supplier<WebElement> element) {
    wait(20)
        .until(
            d -> {
              element.get().click();
              return true;
            });
  }

  static void markPage() {
    driver.executeScript("window.__mirrorgateMarker = 'still the same page';");
  }

  static boolean pageWasNotReloaded() {
    return "still the same page".equals(driver.executeScript("return window.__mirrorgateMarker;"));
  }

  static void assertNoAlert() {
    try {
      driver.switchTo().alert();
      throw new AssertionError("a script ran: an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  static WebDriverWait wait(int seconds) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait; // the page replaces its content when the data changes
  }

  static List<TrackedWorkload> workloads(String ns) {
    String digest = "@sha256:" + "3f4a9c1e".repeat(8);
    return List.of(
        new TrackedWorkload(
            ns,
            "Deployment",
            "web",
            "app",
            "ghcr.io/acme/shop-web:1.4.2" + digest,
            "keel.sh/policy=minor",
            "push"),
        new TrackedWorkload(
            ns,
            "Deployment",
            "api",
            "app",
            "ghcr.io/acme/shop-api:2.3.0",
            "keel.sh/policy=minor",
            "push"),
        new TrackedWorkload(
            ns,
            "Deployment",
            "worker",
            "app",
            "ghcr.io/acme/shop-worker:0.9.0",
            "mirrorgate.dev/policy=semver:~0.9",
            "poll"),
        new TrackedWorkload(
            ns,
            "StatefulSet",
            "cache",
            "redis",
            "docker.io/library/redis:7.2.4",
            "keel.sh/policy=patch",
            "poll"),
        new TrackedWorkload(
            "payments",
            "Deployment",
            "ledger",
            "ledger",
            "registry.local:5000/payments/ledger:3.1.0",
            "argoos.io/policy=minor",
            "push"),
        new TrackedWorkload(
            "payments",
            "CronJob",
            "reconcile",
            "job",
            "registry.local:5000/payments/reconcile:latest",
            "mirrorgate.dev/policy=digest",
            "push"),
        new TrackedWorkload(
            "ops",
            "DaemonSet",
            "node-exporter",
            "exporter",
            "quay.io/prometheus/node-exporter:v1.8.1",
            "keel.sh/policy=minor",
            "poll"),
        new TrackedWorkload(
            ns,
            "Deployment",
            "legacy",
            XSS,
            "ghcr.io/acme/legacy:1.0.0",
            "keel.sh/policy=" + XSS,
            "push"));
  }

  static void seedDecisions(String ns) {
    Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    decisions.add(
        new Decision(
            t.minusSeconds(60),
            ns,
            "Deployment",
            "web",
            "app",
            "ghcr.io/acme/shop-web:1.4.2",
            "keel.sh/policy=minor",
            "registry",
            UpdateDecision.Outcome.UPDATE,
            "ghcr.io/acme/shop-web:1.5.0@sha256:" + "9b".repeat(32),
            "minor accepts 1.5.0@sha256:9b9b9b9b9b9b; held for 2 approvals"));
    decisions.add(
        new Decision(
            t.minusSeconds(240),
            ns,
            "Deployment",
            "api",
            "app",
            "ghcr.io/acme/shop-api:2.3.0",
            "keel.sh/policy=minor",
            "registry",
            UpdateDecision.Outcome.REFUSED,
            null,
            "minor accepts none of: 3.0.0 (another major)"));
    decisions.add(
        new Decision(
            t.minusSeconds(900),
            "payments",
            "Deployment",
            "ledger",
            "ledger",
            "registry.local:5000/payments/ledger:3.0.4",
            "argoos.io/policy=minor",
            "registry",
            UpdateDecision.Outcome.UPDATE,
            "registry.local:5000/payments/ledger:3.1.0@sha256:" + "c4".repeat(32),
            "minor accepts 3.1.0@sha256:c4c4c4c4c4c4"));
    decisions.add(
        new Decision(
            t.minusSeconds(1800),
            "ops",
            "DaemonSet",
            "node-exporter",
            "exporter",
            "quay.io/prometheus/node-exporter:v1.8.1",
            "keel.sh/policy=minor",
            "poll",
            UpdateDecision.Outcome.CURRENT,
            null,
            "already runs v1.8.1@sha256:aa01bb02cc03"));
  }

  /** Mirrors and a registry with the status their controllers write, and finished updates. */
  static void seedCluster() throws Exception {
    ApiResource mirrors = MirrorSources.REGISTRY_MIRRORS;
    mirror(
        mirrors,
        "docker-hub",
        "docker.io",
        "10.96.0.15",
        1,
        "True",
        "Ready",
        "1 of 1 replicas serve");
    mirror(
        mirrors,
        "quay",
        "quay.io",
        "10.96.0.16",
        0,
        "False",
        "ProxyUnavailable",
        "0 of 1 replicas ready: ImagePullBackOff");
    TlsMaterial cert = TlsMaterial.selfSigned(Clock.systemUTC());
    ObjectNode secret = JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    secret
        .putObject("metadata")
        .put("name", "registry-mirror-docker-hub-tls")
        .put("namespace", controllerNs);
    secret
        .putObject("data")
        .put("tls.crt", Base64.getEncoder().encodeToString(cert.certificateChainPem().getBytes()));
    admin.create(ApiResource.SECRETS, secret);

    ObjectNode mapping = JSON.createObjectNode();
    mapping.put("apiVersion", "v1").put("kind", "ConfigMap");
    mapping.putObject("metadata").put("name", "mirrorgate-mapping").put("namespace", controllerNs);
    mapping
        .putObject("data")
        .put(
            "mapping.yaml",
            "mirrors:\n  - source: docker.io\n    target: mirror.local:5000/hub\nexclude:\n  - quay.io/private\n");
    admin.create(ApiResource.CONFIG_MAPS, mapping);

    ObjectNode registry = JSON.createObjectNode();
    registry.put("apiVersion", "mirrorgate.dev/v1alpha1").put("kind", "Registry");
    registry.putObject("metadata").put("name", "builds").put("namespace", shop);
    registry.putObject("spec").putObject("nodeLocal").put("port", 5000);
    admin.create(RegistrySources.REGISTRIES, registry);
    ObjectNode status = JSON.createObjectNode();
    ObjectNode s = status.putObject("status");
    s.put("endpoint", "https://10.96.0.20:5000")
        .put("address", "10.96.0.20")
        .put("caFingerprint", "SHA256:5d:41:40:2a");
    s.putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", "True")
        .put("reason", "Ready")
        .put("message", "serving")
        .put("lastTransitionTime", "2026-11-25T10:00:00Z");
    admin.mergePatchStatus(RegistrySources.REGISTRIES, shop, "builds", status);

    String[][] finished = {
      {"iu-h1", "web", "Applied", "1.3.9", "1.4.2"},
      {"iu-h2", "api", "Rejected", "2.2.0", "2.3.0"},
      {"iu-h3", "worker", "Superseded", "0.8.0", "0.8.1"},
      {"iu-h4", "cache", "Expired", "7.2.3", "7.2.4"},
    };
    for (String[] f : finished) {
      TestImageUpdates.create(
          admin,
          shop,
          f[0],
          f[1],
          "app",
          "ghcr.io/acme/shop-" + f[1] + ":" + f[3],
          "ghcr.io/acme/shop-" + f[1] + ":" + f[4],
          0,
          null,
          f[2]);
    }
  }

  static void mirror(
      ApiResource resource,
      String name,
      String upstream,
      String address,
      int ready,
      String condition,
      String reason,
      String message)
      throws Exception {
    ObjectNode cr = JSON.createObjectNode();
    cr.put("apiVersion", "mirrorgate.dev/v1alpha1").put("kind", "RegistryMirror");
    cr.putObject("metadata").put("name", name);
    cr.putObject("spec").put("upstream", upstream);
    admin.create(resource, cr);
    ObjectNode status = JSON.createObjectNode();
    ObjectNode s = status.putObject("status");
    s.put("address", address)
        .put("endpoint", "https://" + address + ":443")
        .put("caFingerprint", "SHA256:ab:cd:ef:01")
        .put("readyReplicas", ready);
    s.putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", condition)
        .put("reason", reason)
        .put("message", message)
        .put("lastTransitionTime", "2026-11-25T10:00:00Z");
    admin.mergePatchStatus(resource, null, name, status);
  }
}
