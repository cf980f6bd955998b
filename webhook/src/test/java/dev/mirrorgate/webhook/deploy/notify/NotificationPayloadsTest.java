package dev.mirrorgate.webhook.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which ImageUpdate changes are told, and the two payloads, whole documents compared. */
class NotificationPayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00.250Z");

  private static KubeObject update(String phase, String message) {
    ObjectNode node =
        ControllerFixture.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: ImageUpdate
            metadata: {name: shop-web-0123456789, namespace: apps}
            spec:
              workload: {kind: Deployment, name: shop}
              container: web
              from: r.test:5000/shop:1.2.3
              to: r.test:5000/shop:1.3.0@sha256:aaaa
              policy: keel.sh/policy=minor
              trigger: registry
            """);
    if (phase != null) {
      node.putObject("status").put("phase", phase).put("message", message);
    }
    return new KubeObject(node);
  }

  @Test
  void theTypeOfEveryPhase() {
    assertThat(Arrays.stream(Phase.values()).map(p -> p + "=" + UpdateNotification.type(p)))
        .containsExactly(
            "Pending=Optional[pending-approval]",
            "Approved=Optional.empty",
            "Applied=Optional[applied]",
            "Rejected=Optional[rejected]",
            "Expired=Optional[expired]",
            "Superseded=Optional.empty",
            "RolledBack=Optional[rolled-back]",
            "Failed=Optional[failed]");
  }

  @Test
  void onlyAChangedPhaseWorthTellingIsTold() {
    KubeObject none = update(null, null);
    KubeObject approved = update("Approved", "applying");
    KubeObject applied = update("Applied", "minor accepts 1.3.0");
    KubeObject appliedAgain = update("Applied", "another message");
    assertThat(UpdateNotification.of(none, approved, NOW)).isEmpty();
    assertThat(UpdateNotification.of(approved, applied, NOW))
        .map(UpdateNotification::type)
        .contains("applied");
    assertThat(UpdateNotification.of(applied, appliedAgain, NOW)).as("same phase").isEmpty();
    assertThat(UpdateNotification.of(applied, update("RolledBack", "x"), NOW))
        .map(UpdateNotification::type)
        .contains("rolled-back");
    assertThat(UpdateNotification.of(update("Pending", "x"), update("Superseded", "y"), NOW))
        .isEmpty();
    assertThat(UpdateNotification.of(applied, none, NOW)).as("no phase").isEmpty();
  }

  @Test
  void theWebhookGetsTheDocumentedObject() throws Exception {
    Optional<UpdateNotification> n =
        UpdateNotification.of(update(null, null), update("Applied", "minor accepts 1.3.0"), NOW);
    assertThat(NotificationPayloads.json(n.orElseThrow()))
        .isEqualTo(
            JSON.readTree(
                """
                {"type": "applied", "time": "2026-11-25T10:00:00Z", "namespace": "apps",
                 "workload": {"kind": "Deployment", "name": "shop"}, "container": "web",
                 "from": "r.test:5000/shop:1.2.3", "to": "r.test:5000/shop:1.3.0@sha256:aaaa",
                 "policy": "keel.sh/policy=minor", "trigger": "registry", "phase": "Applied",
                 "message": "minor accepts 1.3.0", "imageUpdate": "shop-web-0123456789"}
                """));
  }

  @Test
  void slackGetsEscapedTextOnly() throws Exception {
    UpdateNotification n =
        UpdateNotification.of(
                update("Applied", "x"),
                update("RolledBack", "ProgressDeadlineExceeded: <@U123> & <!channel>"),
                NOW)
            .orElseThrow();
    ObjectNode body = NotificationPayloads.slack(n);
    assertThat(body.properties()).hasSize(1);
    assertThat(body.path("text").asText())
        .isEqualTo(
            "*:rewind: Update rolled back*: `apps/Deployment/shop` container `web`\n"
                + "`r.test:5000/shop:1.2.3` → `r.test:5000/shop:1.3.0@sha256:aaaa`\n"
                + "keel.sh/policy=minor, trigger registry, ImageUpdate `shop-web-0123456789`\n"
                + "> ProgressDeadlineExceeded: &lt;@U123&gt; &amp; &lt;!channel&gt;");
  }
}
