package dev.mirrorgate.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cluster harness itself, on a real kubelet node: a Pod runs and its log is read from the node,
 * a Pod that cannot start is reported with its Events, a node that never gets Ready fails with the
 * kubelet's log tail and what to do, and each teardown leaves the machine as it was (processes,
 * mounts, cgroups, files, kernel settings). Each test starts its own cluster, one at a time.
 */
class KubeClusterIT {

  @Test
  void aPodRunsItsFailuresAreReportedAndTheTeardownLeavesNothing() throws Exception {
    KubeCluster cluster = new KubeCluster();
    try {
      cluster.start("KubeClusterIT");
      assertThat(cluster.kubectl("get", "nodes", "-o", "name"))
          .contains("node/" + cluster.nodeName());

      // A Pod that runs to completion: the pause binary prints its version and exits.
      cluster.apply(pod("prints", "[\"/pause\", \"-v\"]", "mirrorgate.local/pause:1"));
      // Two Pods that cannot start: an image the node does not have, a command that does not exist.
      cluster.apply(pod("absent", "[\"/pause\"]", "mirrorgate.local/absent:1"));
      cluster.apply(pod("nocommand", "[\"/no-such-command\"]", "mirrorgate.local/pause:1"));

      Poll.until(
          "Pod prints Succeeded",
          Duration.ofMinutes(2),
          Duration.ofMillis(250),
          () ->
              cluster
                  .get("/api/v1/namespaces/default/pods/prints")
                  .at("/status/phase")
                  .asText()
                  .equals("Succeeded"));
      assertThat(cluster.describePod("default", "prints"))
          .contains("phase Succeeded", "Log of container main", "mirrorgate pause 1");

      assertThatThrownBy(
              () -> cluster.awaitPodsReady("default", "test=absent", 1, Duration.ofSeconds(15)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("What to do")
          .hasMessageContaining("Pod default/absent")
          .hasMessageContaining("ErrImageNeverPull")
          .hasMessageContaining("mirrorgate.local/absent:1");
      assertThatThrownBy(
              () -> cluster.awaitPodsReady("default", "test=nocommand", 1, Duration.ofSeconds(15)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Pod default/nocommand")
          .hasMessageContaining("no-such-command");
    } finally {
      cluster.close();
    }
    assertThat(cluster.leftovers()).isEmpty();
    assertThat(KubeCluster.currentMachineState())
        .isNotEmpty()
        .isEqualTo(cluster.machineStateBeforeStart());
  }

  @Test
  void aNodeThatNeverGetsReadyFailsWithTheKubeletsLogTailAndWhatToDo() throws Exception {
    KubeCluster cluster =
        new KubeCluster().withoutCniConfig().nodeReadyTimeout(Duration.ofSeconds(30));
    try {
      assertThatThrownBy(() -> cluster.start("KubeClusterIT"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not get Ready within PT30S")
          .hasMessageContaining("cni")
          .hasMessageContaining("What to do")
          .hasMessageContaining("kubelet log (last 40 lines)");
    } finally {
      cluster.close();
    }
    assertThat(cluster.leftovers()).isEmpty();
    assertThat(KubeCluster.currentMachineState())
        .isNotEmpty()
        .isEqualTo(cluster.machineStateBeforeStart());
  }

  private static String pod(String name, String command, String image) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: default
          labels: {test: %s}
        spec:
          hostNetwork: true
          restartPolicy: Never
          automountServiceAccountToken: false
          containers:
            - name: main
              image: %s
              imagePullPolicy: Never
              command: %s
        """
        .formatted(name, name, image, command);
  }
}
