package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.webhook.deploy.WorkloadPatch.ContainerImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conditional strategic merge patch of container images, whole documents compared. */
class WorkloadPatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDeploymentsContainersAndInitContainersWithAnnotations() throws Exception {
    var patch =
        WorkloadPatch.of(
            WorkloadKind.DEPLOYMENT,
            "4711",
            List.of(
                new ContainerImage("web", false, "r.test/shop:1.2.3"),
                new ContainerImage("migrate", true, "r.test/migrate:1.2.3")),
            "mirrorgate: rolled back web → r.test/shop:1.2.3 (timeout)",
            Map.of("mirrorgate.dev/quarantine", "{\"web\":[\"sha256:aa\"]}"),
            null);
    assertThat(patch)
        .isEqualTo(
            JSON.readTree(
                """
                {"metadata": {"resourceVersion": "4711", "annotations": {
                   "kubernetes.io/change-cause": "mirrorgate: rolled back web → r.test/shop:1.2.3 (timeout)",
                   "mirrorgate.dev/quarantine": "{\\"web\\":[\\"sha256:aa\\"]}"}},
                 "spec": {"template": {"spec": {
                   "containers": [{"name": "web", "image": "r.test/shop:1.2.3"}],
                   "initContainers": [{"name": "migrate", "image": "r.test/migrate:1.2.3"}]}}}}
                """));
  }

  @Test
  void aCronJobsJobTemplateWithTheUpdatedAtBump() throws Exception {
    var patch =
        WorkloadPatch.of(
            WorkloadKind.CRON_JOB,
            "12",
            List.of(new ContainerImage("job", false, "r.test/job:2")),
            "mirrorgate: job → r.test/job:2 (imagestream)",
            Map.of(),
            Instant.parse("2026-11-25T10:00:00.123Z"));
    assertThat(patch)
        .isEqualTo(
            JSON.readTree(
                """
                {"metadata": {"resourceVersion": "12", "annotations": {
                   "kubernetes.io/change-cause": "mirrorgate: job → r.test/job:2 (imagestream)"}},
                 "spec": {"jobTemplate": {"spec": {"template": {
                   "metadata": {"annotations": {"mirrorgate.dev/updated-at": "2026-11-25T10:00:00Z"}},
                   "spec": {"containers": [{"name": "job", "image": "r.test/job:2"}]}}}}}}
                """));
  }
}
