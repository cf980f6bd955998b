package dev.mirrorgate.webhook.deploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.update.intake.PushEvent;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.Quarantine;
import dev.mirrorgate.webhook.deploy.notify.HookReceiver;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import dev.mirrorgate.webhook.owned.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirrorgate.dev/rollback} on a real API server. No controller-manager runs there, so the
 * test writes each Deployment's status as the deployment controller would: a rollout that exceeded
 * its progress deadline, one that completed, and (writing nothing) one that never progresses. The
 * controller posts its decisions to a real HTTPS receiver ({@code --notify-webhook}).
 */
class RollbackIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String REPO = "registry.test:5000/shop";
  private static final String DIGEST_A = "sha256:" + "a".repeat(64);
  private static final String DIGEST_B = "sha256:" + "b".repeat(64);
  private static final TestCa CA = TestCa.create("rollback notify CA");
  private static final ApiResource DAEMON_SETS =
      dev.mirrorgate.webhook.deploy.WorkloadProjection.DAEMON_SETS;

  private final ControllerFixture fixture = new ControllerFixture(api);
  private ControllerApp controller;
  private HookReceiver receiver;
  private String ns;

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    ns = api.createNamespace("apps");
    receiver = new HookReceiver(CA.loopback(), HookReceiver.Behaviour.accepting());
    controller =
        fixture.start(
            api.createNamespace("mirrorgate"),
            "--debounce=100ms",
            "--notify-webhook=" + receiver.url("/hooks/mirrorgate"),
            "--notify-ca=" + CA.file(dir.resolve("notify-ca.pem")));
    await().atMost(WAIT).until(() -> controller.ready() && controller.isLeader());
  }

  @AfterEach
  void stop() {
    fixture.close();
    receiver.close();
  }

  private KubeRest rest() {
    return fixture.rest();
  }

  private void deployment(String name, String annotations) throws Exception {
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
                  replicas: 2
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                        - name: web
                          image: %s:1.2.3
                        - name: sidecar
                          image: busybox:1.36
                """
                    .formatted(name, ns, annotations.indent(4), name, name, REPO)));
    await().atMost(WAIT).until(() -> rest().get(ApiResource.DEPLOYMENTS, ns, name).isPresent());
  }

  private KubeObject deployment(String name) throws Exception {
    return rest().get(ApiResource.DEPLOYMENTS, ns, name).orElseThrow();
  }

  private String image(String name) throws Exception {
    return deployment(name).node().at("/spec/template/spec/containers/0/image").asText();
  }

  private void push(String... images) throws Exception {
    List<PushEvent> events = new ArrayList<>();
    for (String image : images) {
      events.add(
          new PushEvent(ImageReference.parse(image), "event-" + image, PushEvent.Source.REGISTRY));
    }
    controller.pushed(events);
  }

  private Optional<KubeObject> update(String to) throws Exception {
    return rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
        .filter(u -> u.node().at("/spec/to").asText().equals(to))
        .findFirst();
  }

  private String phase(String to) throws Exception {
    return update(to).map(u -> u.node().at("/status/phase").asText()).orElse("");
  }

  /** The deployment controller's status after it observed the current generation. */
  private void status(String name, String status) throws Exception {
    KubeObject current = deployment(name);
    ObjectNode patch = ControllerFixture.JSON.createObjectNode();
    ObjectNode body =
        ControllerFixture.yaml(
            status.formatted(
                current.generation(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
    patch.set("status", body);
    rest().mergePatchStatus(ApiResource.DEPLOYMENTS, ns, name, patch);
  }

  private static final String DEADLINE_EXCEEDED =
      """
      observedGeneration: %d
      replicas: 3
      updatedReplicas: 1
      readyReplicas: 2
      availableReplicas: 2
      unavailableReplicas: 1
      conditions:
        - {type: Available, status: "True", reason: MinimumReplicasAvailable, message: Deployment has minimum availability., lastUpdateTime: "%2$s", lastTransitionTime: "%2$s"}
        - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: ReplicaSet "shop-7c9" has timed out progressing., lastUpdateTime: "%2$s", lastTransitionTime: "%2$s"}
      """;

  private static final String COMPLETE =
      """
      observedGeneration: %d
      replicas: 2
      updatedReplicas: 2
      readyReplicas: 2
      availableReplicas: 2
      conditions:
        - {type: Available, status: "True", reason: MinimumReplicasAvailable, message: Deployment has minimum availability., lastUpdateTime: "%2$s", lastTransitionTime: "%2$s"}
        - {type: Progressing, status: "True", reason: NewReplicaSetAvailable, message: ReplicaSet "shop-7c9" has successfully progressed., lastUpdateTime: "%2$s", lastTransitionTime: "%2$s"}
      """;

  @Test
  void aRolloutPastItsProgressDeadlineIsRevertedAndItsDigestNeverAppliedAgain() throws Exception {
    deployment("shop", "keel.sh/policy: minor\nmirrorgate.dev/rollback: \"true\"");
    String bad = REPO + ":1.3.0@" + DIGEST_A;
    push(bad);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(image("shop")).isEqualTo(bad);
              assertThat(update(bad).map(u -> u.node().path("status").toString()).orElse(""))
                  .contains("\"phase\":\"Applied\"");
            });

    status("shop", DEADLINE_EXCEEDED);

    await().atMost(WAIT).until(() -> phase(bad).equals("RolledBack"));
    assertThat(image("shop")).isEqualTo(REPO + ":1.2.3");
    KubeObject workload = deployment("shop");
    assertThat(workload.node().at("/spec/template/spec/containers/1/image").asText())
        .isEqualTo("busybox:1.36");
    assertThat(Quarantine.of(workload, "web")).containsExactly(DIGEST_A);
    assertThat(workload.annotations().get("kubernetes.io/change-cause"))
        .isEqualTo(
            "mirrorgate: rolled back web → "
                + REPO
                + ":1.2.3 ("
                + RolloutHealth.PROGRESS_DEADLINE
                + ")");
    JsonNode rolledBack = update(bad).orElseThrow().node();
    assertThat(rolledBack.at("/status/message").asText())
        .contains("rolled back to " + REPO + ":1.2.3")
        .contains("ReplicaSet \"shop-7c9\" has timed out progressing.")
        .contains("quarantined: web@sha256:aaaaaaaaaaaa");
    JsonNode condition = rolledBack.at("/status/conditions/0");
    assertThat(condition.path("type").asText()).isEqualTo(RolloutWatch.ROLLED_OUT);
    assertThat(condition.path("status").asText()).isEqualTo("False");
    assertThat(condition.path("reason").asText()).isEqualTo("ProgressDeadlineExceeded");
    await().atMost(WAIT).until(() -> warning("shop", "RolledBack").isPresent());
    assertThat(warning("shop", "RolledBack").get())
        .contains("web: " + bad + " → " + REPO + ":1.2.3");
    assertThat(controller.metrics().scrape())
        .contains(
            "mirrorgate_deploy_rollbacks_total{kind=\"Deployment\",reason=\"progress-deadline\"} 1.0");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(receiver.received())
                    .filteredOn(r -> r.body().path("to").asText().equals(bad))
                    .extracting(r -> r.body().path("type").asText())
                    .containsExactly("applied", "rolled-back"));

    // The quarantined digest, pushed again under any tag, is never chosen; another one is.
    push(bad, REPO + ":1.3@" + DIGEST_A);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> image("shop").equals(REPO + ":1.2.3") && phase(bad).equals("RolledBack"));
    assertThat(update(REPO + ":1.3@" + DIGEST_A)).isEmpty();
    String fixed = REPO + ":1.3.1@" + DIGEST_B;
    push(fixed);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(image("shop")).isEqualTo(fixed);
              assertThat(update(fixed).map(u -> u.node().path("status").toString()).orElse(""))
                  .contains("\"phase\":\"Applied\"");
            });
  }

  @Test
  void aRolloutThatDoesNotProgressWithinRollbackAfterIsReverted() throws Exception {
    deployment(
        "stuck",
        "keel.sh/policy: minor\nmirrorgate.dev/rollback: \"true\"\nmirrorgate.dev/rollback-after: 3s");
    String bad = REPO + ":1.4.0@" + DIGEST_A;
    push(bad);
    await().atMost(WAIT).until(() -> phase(bad).equals("Applied"));

    // Nobody observes the new generation: after 3s the rollout counts as failed.
    await().atMost(WAIT).until(() -> phase(bad).equals("RolledBack"));
    assertThat(image("stuck")).isEqualTo(REPO + ":1.2.3");
    assertThat(update(bad).orElseThrow().node().at("/status/message").asText())
        .contains("not rolled out within 3s: generation")
        .contains("not observed by its controller yet");
    assertThat(Quarantine.of(deployment("stuck"), "web")).containsExactly(DIGEST_A);
    assertThat(controller.metrics().scrape())
        .contains("mirrorgate_deploy_rollbacks_total{kind=\"Deployment\",reason=\"timeout\"} 1.0");
  }

  @Test
  void aCompletedRolloutIsKeptAndNoLongerWatched() throws Exception {
    deployment(
        "fine",
        "keel.sh/policy: minor\nmirrorgate.dev/rollback: \"true\"\nmirrorgate.dev/rollback-after: 2m");
    String good = REPO + ":1.5.0@" + DIGEST_B;
    push(good);
    await().atMost(WAIT).until(() -> phase(good).equals("Applied"));

    status("fine", COMPLETE);

    await()
        .atMost(WAIT)
        .until(
            () ->
                update(good)
                    .map(u -> u.node().at("/status/conditions/0/status").asText())
                    .orElse("")
                    .equals("True"));
    assertThat(update(good).orElseThrow().node().at("/status/conditions/0/reason").asText())
        .isEqualTo("RolloutComplete");
    // A later failure of that generation is no failed rollout of this update.
    status("fine", DEADLINE_EXCEEDED);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> image("fine").equals(good) && phase(good).equals("Applied"));
    assertThat(controller.metrics().scrape())
        .contains("mirrorgate_deploy_rollouts_complete_total{kind=\"Deployment\"} 1.0");
  }

  @Test
  void withoutTheAnnotationAFailedRolloutIsLeftAsItIs() throws Exception {
    deployment("plain", "keel.sh/policy: minor");
    String update = REPO + ":1.6.0@" + DIGEST_A;
    push(update);
    await().atMost(WAIT).until(() -> phase(update).equals("Applied"));

    status("plain", DEADLINE_EXCEEDED);

    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> image("plain").equals(update) && phase(update).equals("Applied"));
    assertThat(deployment("plain").annotations()).doesNotContainKey(Quarantine.ANNOTATION);
  }

  @Test
  void aStatefulSetThatRolledOutIsKeptADaemonSetThatDidNotIsReverted() throws Exception {
    String annotations =
        "keel.sh/policy: minor\nmirrorgate.dev/rollback: \"true\"\nmirrorgate.dev/rollback-after: 3s";
    rest()
        .apply(
            ApiResource.STATEFUL_SETS,
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db
                  namespace: %s
                  annotations:
                %s
                spec:
                  replicas: 2
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      containers: [{name: web, image: "%s:1.2.3"}]
                """
                    .formatted(ns, annotations.replace("3s", "2m").indent(4), REPO)));
    rest()
        .apply(
            DAEMON_SETS,
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: agent
                  namespace: %s
                  annotations:
                %s
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec:
                      containers: [{name: web, image: "%s:1.2.3"}]
                """
                    .formatted(ns, annotations.indent(4), REPO)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                rest().get(ApiResource.STATEFUL_SETS, ns, "db").isPresent()
                    && rest().get(DAEMON_SETS, ns, "agent").isPresent());
    String update = REPO + ":1.7.0@" + DIGEST_B;
    push(update);
    await()
        .atMost(WAIT)
        .until(
            () ->
                rest().list(ImageUpdates.RESOURCE, ListQuery.in(ns), null).getItems().stream()
                        .filter(u -> u.node().at("/status/phase").asText().equals("Applied"))
                        .count()
                    == 2);
    // The StatefulSet controller's status once both pods run the new revision.
    KubeObject db = rest().get(ApiResource.STATEFUL_SETS, ns, "db").orElseThrow();
    ObjectNode status = ControllerFixture.JSON.createObjectNode();
    status
        .putObject("status")
        .put("observedGeneration", db.generation())
        .put("replicas", 2)
        .put("readyReplicas", 2)
        .put("availableReplicas", 2)
        .put("currentReplicas", 2)
        .put("updatedReplicas", 2)
        .put("currentRevision", "db-6f7c")
        .put("updateRevision", "db-6f7c");
    rest().mergePatchStatus(ApiResource.STATEFUL_SETS, ns, "db", status);

    await()
        .atMost(WAIT)
        .until(
            () ->
                rest()
                    .get(DAEMON_SETS, ns, "agent")
                    .orElseThrow()
                    .node()
                    .at("/spec/template/spec/containers/0/image")
                    .asText()
                    .equals(REPO + ":1.2.3"));
    assertThat(
            rest()
                .get(ApiResource.STATEFUL_SETS, ns, "db")
                .orElseThrow()
                .node()
                .at("/spec/template/spec/containers/0/image")
                .asText())
        .isEqualTo(update);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        rest()
                            .list(ImageUpdates.RESOURCE, ListQuery.in(ns), null)
                            .getItems()
                            .stream()
                            .map(
                                u ->
                                    u.node().at("/spec/workload/kind").asText()
                                        + "="
                                        + u.node().at("/status/phase").asText()
                                        + "/"
                                        + u.node().at("/status/conditions/0/reason").asText())
                            .toList())
                    .containsExactlyInAnyOrder(
                        "StatefulSet=Applied/RolloutComplete",
                        "DaemonSet=RolledBack/RolloutTimeout"));
    assertThat(controller.metrics().scrape())
        .contains("mirrorgate_deploy_rollbacks_total{kind=\"DaemonSet\",reason=\"timeout\"} 1.0")
        .contains("mirrorgate_deploy_rollouts_complete_total{kind=\"StatefulSet\"} 1.0");
  }

  private Optional<String> warning(String name, String reason) throws Exception {
    return rest()
        .list(ApiResource.EVENTS, ListQuery.in(ns).withFields("involvedObject.name=" + name), null)
        .getItems()
        .stream()
        .filter(
            e ->
                reason.equals(e.node().path("reason").asText())
                    && "Warning".equals(e.node().path("type").asText()))
        .map(e -> e.node().path("message").asText())
        .findFirst();
  }
}
