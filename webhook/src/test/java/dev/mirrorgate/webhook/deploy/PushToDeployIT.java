package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.update.intake.PushEvent;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push-to-deploy on a real API server, from pushed images (as the intake hands them over) to
 * patched workloads and ImageUpdate objects.
 */
class PushToDeployIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DIGEST_A = "sha256:" + "a".repeat(64);
  private static final String DIGEST_B = "sha256:" + "b".repeat(64);

  private final ControllerFixture fixture = new ControllerFixture(api);
  private ControllerApp controller;
  private String ns;

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
  }

  @BeforeEach
  void start() throws Exception {
    ns = api.createNamespace("apps");
    controller = fixture.start(api.createNamespace("mirrorgate"), "--debounce=300ms");
    await().atMost(WAIT).until(controller::ready);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private KubeRest rest() {
    return fixture.rest();
  }

  private void deployment(String name, String annotations, String image) throws Exception {
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
                %s
                spec:
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                        - name: web
                          image: %s
                          env: [{name: KEEP, value: me}]
                        - name: sidecar
                          image: busybox:1.36
                """
                    .formatted(name, ns, annotations.indent(4), name, name, image)));
  }

  private JsonNode container(String deployment, int index) throws Exception {
    return rest()
        .get(ApiResource.DEPLOYMENTS, ns, deployment)
        .orElseThrow()
        .node()
        .at("/spec/template/spec/containers/" + index);
  }

  private List<KubeObject> imageUpdates() throws Exception {
    return rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems();
  }

  private void push(String... images) throws Exception {
    List<PushEvent> events = new ArrayList<>();
    int i = 0;
    for (String image : images) {
      events.add(
          new PushEvent(ImageReference.parse(image), "event-" + i++, PushEvent.Source.REGISTRY));
    }
    controller.pushed(events);
  }

  @Test
  void aPushRollsTheTrackedContainerToThePushedDigest() throws Exception {
    deployment("shop", "keel.sh/policy: minor", "registry.test:5000/shop:1.2.3");
    await().atMost(WAIT).until(() -> rest().get(ApiResource.DEPLOYMENTS, ns, "shop").isPresent());

    push("registry.test:5000/shop:2.0.0@" + DIGEST_B, "registry.test:5000/shop:1.3.0@" + DIGEST_A);

    await()
        .atMost(WAIT)
        .until(
            () ->
                container("shop", 0)
                    .path("image")
                    .asText()
                    .equals("registry.test:5000/shop:1.3.0@" + DIGEST_A));
    assertThat(container("shop", 0).at("/env/0/value").asText())
        .as("the rest is kept")
        .isEqualTo("me");
    assertThat(container("shop", 1).path("image").asText()).isEqualTo("busybox:1.36");
    KubeObject deployment = rest().get(ApiResource.DEPLOYMENTS, ns, "shop").orElseThrow();
    assertThat(deployment.annotations().get("kubernetes.io/change-cause"))
        .contains("web → registry.test:5000/shop:1.3.0@" + DIGEST_A);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<KubeObject> updates = imageUpdates();
              assertThat(updates).hasSize(1);
              JsonNode update = updates.get(0).node();
              assertThat(update.at("/spec/from").asText())
                  .isEqualTo("registry.test:5000/shop:1.2.3");
              assertThat(update.at("/spec/to").asText())
                  .isEqualTo("registry.test:5000/shop:1.3.0@" + DIGEST_A);
              assertThat(update.at("/spec/policy").asText()).isEqualTo("keel.sh/policy=minor");
              assertThat(update.at("/spec/trigger").asText()).isEqualTo("registry");
              assertThat(update.at("/status/phase").asText()).isEqualTo("Applied");
            });
  }

  @Test
  void aBurstOfTagsForOneDigestIsOneRolloutOfTheMostSpecificTag() throws Exception {
    deployment(
        "burst",
        "keel.sh/policy: force\nkeel.sh/matchTag: \"false\"",
        "registry.test:5000/burst:1.2.2");
    await().atMost(WAIT).until(() -> rest().get(ApiResource.DEPLOYMENTS, ns, "burst").isPresent());

    push(
        "registry.test:5000/burst:1.2.3@" + DIGEST_A,
        "registry.test:5000/burst:1.2@" + DIGEST_A,
        "registry.test:5000/burst:latest@" + DIGEST_A);

    await()
        .atMost(WAIT)
        .until(
            () ->
                container("burst", 0)
                    .path("image")
                    .asText()
                    .equals("registry.test:5000/burst:1.2.3@" + DIGEST_A));
    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> imageUpdates().size() == 1);
  }

  @Test
  void anUpdateNeedingApprovalsWaitsForDistinctVotersThenRollsOut() throws Exception {
    deployment(
        "guarded",
        "keel.sh/policy: patch\nkeel.sh/approvals: \"2\"",
        "registry.test:5000/guarded:1.0.0");
    await()
        .atMost(WAIT)
        .until(() -> rest().get(ApiResource.DEPLOYMENTS, ns, "guarded").isPresent());

    push("registry.test:5000/guarded:1.0.1@" + DIGEST_A);
    await()
        .atMost(WAIT)
        .until(
            () ->
                imageUpdates().size() == 1
                    && "Pending".equals(imageUpdates().get(0).node().at("/status/phase").asText()));
    KubeObject pending = imageUpdates().get(0);
    assertThat(pending.node().at("/spec/approvalsRequired").asInt()).isEqualTo(2);
    assertThat(pending.node().at("/spec/deadline").asText()).isNotEmpty();

    vote(pending.name(), "alice");
    vote(pending.name(), "alice"); // the same voter twice counts once
    await()
        .during(Duration.ofSeconds(1))
        .atMost(WAIT)
        .until(() -> container("guarded", 0).path("image").asText().endsWith(":1.0.0"));
    vote(pending.name(), "bob");
    await()
        .atMost(WAIT)
        .until(
            () ->
                container("guarded", 0)
                    .path("image")
                    .asText()
                    .equals("registry.test:5000/guarded:1.0.1@" + DIGEST_A));
    await()
        .atMost(WAIT)
        .until(() -> "Applied".equals(imageUpdates().get(0).node().at("/status/phase").asText()));
  }

  @Test
  void aNewerCandidateSupersedesAPendingOne() throws Exception {
    deployment(
        "queue",
        "keel.sh/policy: minor\nkeel.sh/approvals: \"1\"",
        "registry.test:5000/queue:1.0.0");
    await().atMost(WAIT).until(() -> rest().get(ApiResource.DEPLOYMENTS, ns, "queue").isPresent());
    push("registry.test:5000/queue:1.1.0@" + DIGEST_A);
    await().atMost(WAIT).until(() -> imageUpdates().size() == 1);
    push("registry.test:5000/queue:1.2.0@" + DIGEST_B);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<String> phases =
                  imageUpdates().stream()
                      .map(
                          u ->
                              u.node().at("/spec/to").asText()
                                  + "="
                                  + u.node().at("/status/phase").asText())
                      .toList();
              assertThat(phases)
                  .containsExactlyInAnyOrder(
                      "registry.test:5000/queue:1.1.0@" + DIGEST_A + "=Superseded",
                      "registry.test:5000/queue:1.2.0@" + DIGEST_B + "=Pending");
            });
  }

  @Test
  void anUnreadableAnnotationLeavesTheWorkloadAloneWithAWarning() throws Exception {
    deployment(
        "broken",
        "keel.sh/policy: minor\nkeel.sh/approvals: \"many\"",
        "registry.test:5000/broken:1.0.0");
    await()
        .atMost(WAIT)
        .until(
            () ->
                rest()
                    .list(
                        ApiResource.EVENTS,
                        ListQuery.in(ns).withFields("involvedObject.name=broken"),
                        null)
                    .getItems()
                    .stream()
                    .anyMatch(
                        e ->
                            "InvalidAnnotation".equals(e.node().path("reason").asText())
                                && e.node()
                                    .path("message")
                                    .asText()
                                    .contains("keel.sh/approvals")));
    push("registry.test:5000/broken:1.1.0@" + DIGEST_A);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(WAIT)
        .until(() -> container("broken", 0).path("image").asText().endsWith(":1.0.0"));
    assertThat(imageUpdates()).isEmpty();
  }

  /**
   * Votes as the UI does ({@code ui.data.Votes}): read, append, write conditionally on the
   * resourceVersion read, and read again on a conflict (the controller may write the status between
   * the read and the write).
   */
  private void vote(String update, String voter) throws Exception {
    await()
        .atMost(WAIT)
        .ignoreExceptionsMatching(e -> e instanceof KubeException k && k.conflict())
        .until(
            () -> {
              voteOnce(update, voter);
              return true;
            });
  }

  private void voteOnce(String update, String voter) throws Exception {
    KubeObject current = rest().get(ImageUpdates.RESOURCE, ns, update).orElseThrow();
    ObjectNode status = current.node().path("status").deepCopy();
    var approvals = status.withArray("approvals");
    for (JsonNode vote : approvals) {
      if (voter.equals(vote.path("voter").asText())) {
        return; // one vote per voter: the UI refuses a second one
      }
    }
    approvals
        .addObject()
        .put("voter", voter)
        .put(
            "at",
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    ObjectNode patch = ControllerFixture.JSON.createObjectNode();
    patch.putObject("metadata").put("resourceVersion", current.resourceVersion());
    patch.set("status", status);
    rest().mergePatchStatus(ImageUpdates.RESOURCE, ns, update, patch);
  }
}
