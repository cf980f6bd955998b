package dev.mirrorgate.webhook.deploy.openshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.Quarantine;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenShift ImageStreamTag triggers on a real API server serving {@code image.openshift.io/v1}
 * through a stand-in CRD ({@code openshift/imagestreams.image.openshift.io.yaml}): the test moves
 * an ImageStream's status tag as an import or a push to OpenShift's registry would, and the
 * container named by the trigger's {@code fieldPath} follows.
 */
class ImageStreamTriggerIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String REPO = "quay.test/acme/app";
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);

  private final ControllerFixture fixture = new ControllerFixture(api);
  private ControllerApp controller;
  private String ns;

  @BeforeAll
  static void crds() throws Exception {
    ControllerFixture crds = new ControllerFixture(api);
    crds.installCrds();
    for (ObjectNode crd :
        ControllerFixture.documents(
            TestResources.path("openshift/imagestreams.image.openshift.io.yaml"))) {
      crds.installCrd(crd);
    }
  }

  @BeforeEach
  void start() throws Exception {
    ns = api.createNamespace("shop");
    controller = fixture.start(api.createNamespace("mirrorgate"), "--debounce=100ms");
    await().atMost(WAIT).until(() -> controller.ready() && controller.isLeader());
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private KubeRest rest() {
    return fixture.rest();
  }

  /** An ImageStream whose tag {@code tag} lists {@code digests}, newest first. */
  private void imageStream(String namespace, String name, String tag, String... digests)
      throws Exception {
    rest()
        .apply(
            ImageStreams.RESOURCE,
            ControllerFixture.yaml(
                """
                apiVersion: image.openshift.io/v1
                kind: ImageStream
                metadata: {name: %s, namespace: %s}
                spec:
                  tags:
                    - name: %s
                      from: {kind: DockerImage, name: "%s:%s"}
                      importPolicy: {scheduled: true}
                """
                    .formatted(name, namespace, tag, REPO, tag)));
    ObjectNode status = ControllerFixture.JSON.createObjectNode();
    ObjectNode body = status.putObject("status");
    body.put(
        "dockerImageRepository",
        "image-registry.openshift-image-registry.svc:5000/" + namespace + "/" + name);
    var items = body.putArray("tags").addObject().put("tag", tag).putArray("items");
    long generation = digests.length;
    for (String digest : digests) {
      items
          .addObject()
          .put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
          .put("dockerImageReference", REPO + "@" + digest)
          .put("image", digest)
          .put("generation", generation--);
    }
    rest().mergePatchStatus(ImageStreams.RESOURCE, namespace, name, status);
  }

  private void deployment(String name, String trigger, String annotations) throws Exception {
    rest()
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
                    image.openshift.io/triggers: '%s'
                %s
                spec:
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                        - name: proxy
                          image: nginx:1.27
                        - name: web
                          image: %s:placeholder
                """
                    .formatted(name, ns, trigger, annotations.indent(4), name, name, REPO)));
  }

  private static String trigger(String from, boolean paused) {
    return "[{\"from\":{\"kind\":\"ImageStreamTag\",%s},\"fieldPath\":\"spec.template.spec.containers[?(@.name==\\\"web\\\")].image\",\"paused\":%s}]"
        .formatted(from, paused);
  }

  private String image(String deployment, int container) throws Exception {
    return rest()
        .get(ApiResource.DEPLOYMENTS, ns, deployment)
        .map(d -> d.node().at("/spec/template/spec/containers/" + container + "/image").asText())
        .orElse("");
  }

  private Optional<KubeObject> update(String to) throws Exception {
    return rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
        .filter(u -> u.node().at("/spec/to").asText().equals(to))
        .findFirst();
  }

  private String phase(String to) throws Exception {
    return update(to).map(u -> u.node().at("/status/phase").asText()).orElse("");
  }

  @Test
  void theContainerFollowsItsImageStreamTag() throws Exception {
    imageStream(ns, "app", "prod", A);
    deployment("web-app", trigger("\"name\":\"app:prod\"", false), "");

    await().atMost(WAIT).until(() -> image("web-app", 1).equals(REPO + "@" + A));
    assertThat(image("web-app", 0)).isEqualTo("nginx:1.27");
    await().atMost(WAIT).until(() -> phase(REPO + "@" + A).equals("Applied"));
    JsonNode first = update(REPO + "@" + A).orElseThrow().node();
    assertThat(first.at("/spec/from").asText()).isEqualTo(REPO + ":placeholder");
    assertThat(first.at("/spec/workload/name").asText()).isEqualTo("web-app");
    assertThat(first.at("/spec/container").asText()).isEqualTo("web");
    assertThat(first.at("/spec/policy").asText()).isEqualTo("image.openshift.io/triggers");
    assertThat(first.at("/spec/trigger").asText())
        .isEqualTo(ImageStreamTriggers.IMAGE_UPDATE_TRIGGER);
    assertThat(first.at("/status/message").asText())
        .isEqualTo("ImageStreamTag " + ns + "/app:prod points at it");

    // An import (or a push to OpenShift's registry) moves the tag: the container follows.
    imageStream(ns, "app", "prod", B, A);

    await().atMost(WAIT).until(() -> image("web-app", 1).equals(REPO + "@" + B));
    await().atMost(WAIT).until(() -> phase(REPO + "@" + B).equals("Applied"));
    assertThat(update(REPO + "@" + B).orElseThrow().node().at("/spec/from").asText())
        .isEqualTo(REPO + "@" + A);
    KubeObject deployment = rest().get(ApiResource.DEPLOYMENTS, ns, "web-app").orElseThrow();
    assertThat(deployment.annotations().get("kubernetes.io/change-cause"))
        .isEqualTo("mirrorgate: web → " + REPO + "@" + B + " (imagestream)");
    await() // Events are written asynchronously
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        rest()
                            .list(
                                ApiResource.EVENTS,
                                ListQuery.in(ns).withFields("involvedObject.name=web-app"),
                                null)
                            .getItems()
                            .stream()
                            .filter(e -> "ImageUpdated".equals(e.node().path("reason").asText()))
                            .map(e -> e.node().path("message").asText()))
                    .anyMatch(
                        m -> m.startsWith("web: " + REPO + "@" + A + " → " + REPO + "@" + B)));
    assertThat(controller.metrics().scrape())
        .containsPattern("mirrorgate_deploy_decisions_total\\{outcome=\"update\"} [2-9]");
  }

  @Test
  void aTriggerNamesAnImageStreamOfAnotherNamespaceAndAPausedOneIsNeverFollowed() throws Exception {
    String images = api.createNamespace("images");
    imageStream(images, "base", "stable", A);
    deployment(
        "elsewhere",
        trigger("\"name\":\"base:stable\",\"namespace\":\"" + images + "\"", false),
        "");
    deployment(
        "frozen", trigger("\"name\":\"base:stable\",\"namespace\":\"" + images + "\"", true), "");

    await().atMost(WAIT).until(() -> image("elsewhere", 1).equals(REPO + "@" + A));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> image("frozen", 1).equals(REPO + ":placeholder"));
  }

  @Test
  void anUpdateNeedingApprovalWaitsAsAPendingImageUpdate() throws Exception {
    imageStream(ns, "app", "prod", A);
    deployment("guarded", trigger("\"name\":\"app:prod\"", false), "keel.sh/approvals: \"1\"");

    await().atMost(WAIT).until(() -> phase(REPO + "@" + A).equals("Pending"));
    assertThat(image("guarded", 1)).isEqualTo(REPO + ":placeholder");

    vote(update(REPO + "@" + A).orElseThrow(), "alice");

    await().atMost(WAIT).until(() -> image("guarded", 1).equals(REPO + "@" + A));
    await().atMost(WAIT).until(() -> phase(REPO + "@" + A).equals("Applied"));
    assertThat(
            rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
                .map(u -> u.node().at("/status/phase").asText())
                .toList())
        .as("one ImageUpdate, however often the workload changed meanwhile")
        .isEqualTo(List.of("Applied"));
  }

  @Test
  void aRolledBackImageIsNotWrittenAgainWhileTheTagStillPointsAtIt() throws Exception {
    imageStream(ns, "app", "prod", A);
    deployment(
        "careful",
        trigger("\"name\":\"app:prod\"", false),
        "mirrorgate.dev/rollback: \"true\"\nmirrorgate.dev/rollback-after: 3s");

    // Nothing rolls the new generation out here: after 3s it is reverted and quarantined.
    await().atMost(WAIT).until(() -> phase(REPO + "@" + A).equals("RolledBack"));
    assertThat(image("careful", 1)).isEqualTo(REPO + ":placeholder");
    assertThat(
            Quarantine.of(rest().get(ApiResource.DEPLOYMENTS, ns, "careful").orElseThrow(), "web"))
        .containsExactly(A);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> image("careful", 1).equals(REPO + ":placeholder"));

    imageStream(ns, "app", "prod", B, A);
    await().atMost(WAIT).until(() -> image("careful", 1).equals(REPO + "@" + B));
  }

  private void vote(KubeObject update, String voter) throws Exception {
    ObjectNode patch = ControllerFixture.JSON.createObjectNode();
    patch.putObject("metadata").put("resourceVersion", update.resourceVersion());
    patch
        .putObject("status")
        .putArray("approvals")
        .addObject()
        .put("voter", voter)
        .put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    rest().mergePatchStatus(ImageUpdates.RESOURCE, ns, update.name(), patch);
  }
}
