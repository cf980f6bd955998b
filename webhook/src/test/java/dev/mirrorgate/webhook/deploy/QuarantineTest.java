package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.UpdateDecision.Outcome;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.Workload;
import dev.mirrorgate.common.update.WorkloadTracker;
import dev.mirrorgate.common.update.WorkloadTracking;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quarantine annotation and the decisions it changes, with the real engine. */
class QuarantineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  @Test
  void digestsAreKeptPerContainerOnceNewestLast() throws Exception {
    String value = Quarantine.with(null, "web", A);
    value = Quarantine.with(value, "web", B);
    value = Quarantine.with(value, "sidecar", C);
    value = Quarantine.with(value, "web", A);

    assertThat(JSON.readTree(value))
        .isEqualTo(
            JSON.readTree(
                "{\"web\": [\"" + B + "\", \"" + A + "\"], \"sidecar\": [\"" + C + "\"]}"));
    assertThat(Quarantine.of(value, "web")).containsExactly(B, A);
    assertThat(Quarantine.of(value, "sidecar")).containsExactly(C);
    assertThat(Quarantine.of(value, "other")).isEmpty();
  }

  @Test
  void aContainerKeepsTheNewestTwentyDigests() {
    String value = null;
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String digest = "sha256:%064d".formatted(i);
      all.add(digest);
      value = Quarantine.with(value, "web", digest);
    }
    assertThat(Quarantine.of(value, "web"))
        .hasSize(Quarantine.PER_CONTAINER)
        .containsExactlyElementsOf(all.subList(5, 25));
  }

  @Test
  void anUnreadableAnnotationQuarantinesNothingAndIsReplacedWhenWritten() {
    for (String bad : List.of("not json", "[1,2]", "{\"web\": \"" + A + "\"}", "{\"web\": [1]}")) {
      assertThat(Quarantine.unreadable(bad)).as(bad).isTrue();
      assertThat(Quarantine.of(bad, "web")).as(bad).isEmpty();
      assertThat(Quarantine.of(Quarantine.with(bad, "web", B), "web")).as(bad).containsExactly(B);
    }
    assertThat(Quarantine.unreadable(null)).isFalse();
    assertThat(Quarantine.unreadable(Quarantine.with(null, "web", A))).isFalse();
  }

  @Test
  void theDigestOfAnImage() {
    assertThat(Quarantine.digestOf("r.test:5000/shop:1.2@" + A)).contains(A);
    assertThat(Quarantine.digestOf("r.test:5000/shop:1.2")).isEmpty();
    assertThat(Quarantine.digestOf("Not An Image")).isEmpty();
    assertThat(Quarantine.shortDigest(A)).isEqualTo("sha256:aaaaaaaaaaaa");
  }

  /** One decision: quarantined digests, pushed images → outcome, image written, reason part. */
  record Row(
      Set<String> quarantined,
      List<String> pushed,
      Outcome outcome,
      String update,
      String reason) {}

  @Test
  void quarantinedDigestsNeverWinAndTheReasonSaysSo() throws Exception {
    String repo = "r.test:5000/shop";
    List<Row> rows =
        List.of(
            new Row(
                Set.of(),
                List.of(repo + ":1.3.0@" + A),
                Outcome.UPDATE,
                repo + ":1.3.0@" + A,
                "accepts 1.3.0"),
            new Row(
                Set.of(A),
                List.of(repo + ":1.3.0@" + A),
                Outcome.REFUSED,
                null,
                "every candidate is quarantined after a rollback: 1.3.0@sha256:aaaaaaaaaaaa"),
            new Row(
                Set.of(A),
                List.of(repo + ":1.3.0@" + A, repo + ":1.2.9@" + B),
                Outcome.UPDATE,
                repo + ":1.2.9@" + B,
                "quarantined after a rollback: 1.3.0@sha256:aaaaaaaaaaaa"),
            new Row(
                Set.of(A),
                List.of(repo + ":1.3.1@" + C, repo + ":1.3.0@" + A),
                Outcome.UPDATE,
                repo + ":1.3.1@" + C,
                "accepts 1.3.1"),
            new Row(
                Set.of(A),
                List.of(repo + ":1.3.0@" + A, repo + ":1.3@" + A, repo + ":latest@" + A),
                Outcome.REFUSED,
                null,
                "quarantined after a rollback: 1.3.0@sha256:aaaaaaaaaaaa, 1.3@sha256:aaaaaaaaaaaa"),
            new Row(
                Set.of(A),
                List.of(repo + ":1.3.0"),
                Outcome.UPDATE,
                repo + ":1.3.0",
                "accepts 1.3.0"),
            new Row(Set.of(A), List.of(repo + ":0.9.0@" + A), Outcome.REFUSED, null, "quarantined"),
            new Row(
                Set.of(A),
                List.of("r.test:5000/other:1.4.0@" + A),
                Outcome.NO_CANDIDATE,
                null,
                "nothing pushed to"));
    WorkloadTracking tracking = track("keel.sh/policy: minor", repo + ":1.2.3");
    TrackedContainer web = tracking.tracked().get(0);
    for (Row row : rows) {
      List<ImageReference> pushed = new ArrayList<>();
      for (String image : row.pushed()) {
        pushed.add(ImageReference.parse(image));
      }
      UpdateDecision d =
          Quarantine.decide(web, tracking.settings(), Window.pushed(pushed), row.quarantined());
      assertThat(d.outcome()).as("%s", row).isEqualTo(row.outcome());
      assertThat(d.update()).as("%s", row).isEqualTo(row.update());
      assertThat(d.reason()).as("%s", row).contains(row.reason());
      if (row.quarantined().isEmpty() || row.outcome() == Outcome.NO_CANDIDATE) {
        assertThat(d.reason()).as("%s", row).doesNotContain("quarantine");
      }
    }
  }

  @Test
  void theQuarantineIsReadFromTheWorkloadsAnnotation() throws Exception {
    String value = Quarantine.with(null, "web", A);
    var workload =
        new dev.mirrorgate.webhook.kube.KubeObject(
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: shop
                  annotations:
                    mirrorgate.dev/quarantine: '%s'
                """
                    .formatted(value)));
    assertThat(Quarantine.of(workload, "web")).containsExactly(A);
    assertThat(Quarantine.of(workload, "sidecar")).isEmpty();
  }

  private static WorkloadTracking track(String annotations, String image) throws Exception {
    JsonNode node =
        ControllerFixture.yaml(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop
              namespace: apps
              annotations:
            %s
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      image: %s
            """
                .formatted(annotations.indent(4), image));
    return WorkloadTracker.track(Workload.of(node));
  }
}
