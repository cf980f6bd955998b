package dev.mirrorgate.webhook.ui;

import static dev.mirrorgate.webhook.ui.KubeAccess.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.ui.web.UiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI runs as a ServiceAccount bound to exactly the UI's rules of
 * manifests/kustomize/controller/rbac.yaml (ClusterRole and Role {@code mirrorgate-controller-ui}),
 * against the real authorizer: it reads its users Secret and mapping ConfigMap by name, lists and
 * watches ImageUpdates, reviews tokens and access, and writes votes.
 */
class UiRbacIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path RBAC = Path.of("..", "manifests", "kustomize", "controller", "rbac.yaml");
  static final Map<String, ApiResource> KINDS =
      Map.of(
          "ClusterRole",
              new ApiResource(
                  "rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
          "ClusterRoleBinding",
              new ApiResource(
                  "rbac.authorization.k8s.io",
                  "v1",
                  "clusterrolebindings",
                  "ClusterRoleBinding",
                  false),
          "Role", new ApiResource("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
          "RoleBinding",
              new ApiResource(
                  "rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true));

  static KubeRest admin;
  static KubeAccess access;
  static String ns;
  static Vertx vertx;
  static UiServer server;
  static ControllerUi ui;
  static TlsMaterial tls;
  static final List<Informer> informers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    new ControllerFixture(api).installCrds();
    admin = new KubeRest(api.client(), JSON);
    access = new KubeAccess(api);
    ns = api.createNamespace("mirrorgate");
    String token = access.serviceAccountToken(ns, "mirrorgate-controller");
    int bound = 0;
    for (ObjectNode document : ControllerFixture.documents(RBAC)) {
      if (!"mirrorgate-controller-ui".equals(document.path("metadata").path("name").asText())) {
        continue;
      }
      String kind = document.path("kind").asText();
      if (document.path("metadata").has("namespace")) {
        document.with("metadata").put("namespace", ns);
      }
      for (JsonNode subject : document.path("subjects")) {
        ((ObjectNode) subject).put("namespace", ns);
      }
      admin.apply(KINDS.get(kind), document);
      bound++;
    }
    assertThat(bound).as("the UI's ClusterRole, Role and their bindings in rbac.yaml").isEqualTo(4);

    KubeRest requests = new KubeRest(api.clientFor(token, Duration.ofSeconds(30)), JSON);
    KubeRest watches = new KubeRest(api.clientFor(token, Duration.ZERO), JSON);
    ui =
        new ControllerUi(
            ns,
            requests,
            watches,
            informer -> {
              informers.add(informer);
              return informer;
            },
            new ControllerUi.ClusterReads(List::of, List::of, List.of()),
            track(
                new Informer(
                    watches,
                    dev.mirrorgate.webhook.deploy.ImageUpdates.RESOURCE,
                    dev.mirrorgate.webhook.kube.ListQuery.all(),
                    Informer.WITHOUT_MANAGED_FIELDS)),
            ControllerUi.Ports.NONE,
            Map.of(),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    informers.forEach(Informer::start);
    vertx = Vertx.vertx();
    tls = TlsMaterial.selfSigned(Clock.systemUTC());
    server = new UiServer(vertx, "127.0.0.1", 0, tls, ui.router(vertx));
    server.start().await(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    informers.forEach(Informer::close);
  }

  UiClient client() throws Exception {
    return new UiClient(
        dev.mirrorgate.certs.Pem.readCertificates(tls.trustAnchorPem()).get(0), server.port());
  }

  private static Informer track(Informer informer) {
    informers.add(informer);
    return informer;
  }

  @Test
  void everyInformerOfTheUiListsAndWatchesWithTheseRules() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> informers.stream().allMatch(Informer::hasSynced));
    assertThat(informers).allSatisfy(i -> assertThat(i.failure()).isEmpty());
    assertThat(ui.data().apiProblem().get()).isEmpty();
  }

  @Test
  void usersFromTheSecretLogIn() throws Exception {
    ObjectNode secret = JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    secret.putObject("metadata").put("name", "mirrorgate-ui-users").put("namespace", ns);
    secret.putObject("data").put("dana", Base64.getEncoder().encodeToString("s3cret".getBytes()));
    admin.create(ApiResource.SECRETS, secret);
    UiClient client = client();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                        .get("/api/v1/updates", "Authorization", UiClient.basic("dana", "s3cret"))
                        .statusCode()
                    == 200);
    assertThat(
            client
                .get("/api/v1/updates", "Authorization", UiClient.basic("dana", "wrong"))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void theMappingConfigMapIsExplained() throws Exception {
    ObjectNode cm = JSON.createObjectNode();
    cm.put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "mirrorgate-mapping").put("namespace", ns);
    cm.putObject("data")
        .put(
            "mapping.yaml", "mirrors:\n  - source: docker.io\n    target: mirror.local:5000/hub\n");
    admin.create(ApiResource.CONFIG_MAPS, cm);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ui.data().mapping().explain("nginx:1.27").rewritten() != null);
    assertThat(ui.data().mapping().explain("nginx:1.27").rewritten())
        .isEqualTo("mirror.local:5000/hub/library/nginx:1.27");
    assertThat(ui.data().mapping().state().origin())
        .isEqualTo("ConfigMap " + ns + "/mirrorgate-mapping");
  }

  @Test
  void aKubernetesUserWithUpdateRightsVotesThroughTheUi() throws Exception {
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
    String voter = access.serviceAccountToken(team, "release-manager");
    access.grantClusterWide(
        team, "release-manager", List.of(rule("mirrorgate.dev", "imageupdates", "list")));
    access.grant(
        team, team, "release-manager", List.of(rule("mirrorgate.dev", "imageupdates", "update")));
    String stranger = access.serviceAccountToken(team, "stranger");
    access.grantClusterWide(
        team, "stranger", List.of(rule("mirrorgate.dev", "imageupdates", "list")));
    UiClient client = client();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                    .get(
                        "/api/v1/updates?phase=Pending&namespace=" + team,
                        "Authorization",
                        "Bearer " + voter)
                    .body()
                    .contains("iu-1"));
    HttpResponse<String> refused =
        client.post(
            "/api/v1/updates/" + team + "/iu-1/approve",
            "application/json",
            "{}",
            "Authorization",
            "Bearer " + stranger);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    HttpResponse<String> voted =
        client.post(
            "/api/v1/updates/" + team + "/iu-1/approve",
            "application/json",
            "{}",
            "Authorization",
            "Bearer " + voter);
    assertThat(voted.statusCode()).as(voted.body()).isEqualTo(200);
    String user = "system:serviceaccount:" + team + ":release-manager";
    assertThat(
            JSON.readTree(voted.body()).path("update").path("approvals").findValuesAsText("voter"))
        .containsExactly(user);
    assertThat(
            admin
                .get(dev.mirrorgate.webhook.ui.data.Votes.IMAGE_UPDATES, team, "iu-1")
                .orElseThrow()
                .node()
                .path("status")
                .path("approvals")
                .findValuesAsText("voter"))
        .containsExactly(user);
    HttpResponse<String> nobody =
        client.get(
            "/api/v1/updates",
            "Authorization",
            "Bearer " + access.serviceAccountToken(team, "nobody"));
    assertThat(nobody.statusCode()).isEqualTo(403);
  }
}
