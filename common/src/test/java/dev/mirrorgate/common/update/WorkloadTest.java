package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading workloads: the kinds, where their containers are, and what is not a workload. */
class WorkloadTest {

  private static JsonNode yaml(String text) throws Exception {
    return UpdateTables.YAML.readTree(text);
  }

  @Test
  void aCronJobsContainersAndTheirPointers() throws Exception {
    Workload w =
        Workload.of(
            yaml(
                """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report, namespace: ops, annotations: {keel.sh/approvals: 2}, labels: {a: b}}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          initContainers: [{name: init, image: "busybox:1"}]
                          containers: [{name: main, image: "r.example/report:1"}, {name: nameless-image}]
                """));

    assertThat(w.kind()).isEqualTo(WorkloadKind.CRON_JOB);
    assertThat(w.describe()).isEqualTo("CronJob ops/report");
    assertThat(w.annotations()).containsEntry("keel.sh/approvals", "2");
    assertThat(w.labels()).containsEntry("a", "b");
    assertThat(w.containers())
        .containsExactly(
            new Workload.Container(
                "main",
                "r.example/report:1",
                false,
                "/spec/jobTemplate/spec/template/spec/containers/0/image"),
            new Workload.Container(
                "nameless-image",
                null,
                false,
                "/spec/jobTemplate/spec/template/spec/containers/1/image"),
            new Workload.Container(
                "init",
                "busybox:1",
                true,
                "/spec/jobTemplate/spec/template/spec/initContainers/0/image"));
    assertThat(w.kind().podTemplatePointer()).isEqualTo("/spec/jobTemplate/spec/template");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          '[1, 2]'                                                   | not a Kubernetes object
          '{metadata: {name: x}}'                                    | no kind is not a workload
          '{kind: Pod, spec: {containers: [{name: a, image: b}]}}'   | kind Pod is not a workload
          '{kind: Job, spec: {template: {spec: {containers: []}}}}'  | kind Job is not a workload
          '{kind: Deployment, spec: {}}'                             | Deployment has no pod template containers at /spec/template/spec
          '{kind: CronJob, spec: {template: {spec: {containers: []}}}}' | CronJob has no pod template containers at /spec/jobTemplate/spec/template/spec
          """)
  void whatIsNotAWorkload(String text, String message) throws Exception {
    JsonNode node = yaml(text);
    assertThatThrownBy(() -> Workload.of(node))
        .isInstanceOf(NotAWorkloadException.class)
        .hasMessageContaining(message);
  }
}
