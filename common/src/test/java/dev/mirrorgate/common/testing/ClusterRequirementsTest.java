package dev.mirrorgate.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.ClusterRequirements.Machine;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** When the cluster tier is skipped, and what the message tells a person to do. */
class ClusterRequirementsTest {
  private static final Machine READY = new Machine(true, true, List.of(), "vm", true, List.of());

  /** A machine, and what the skip message must say (nothing: the tier runs). */
  record Case(String name, Machine machine, List<String> says) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Case> CASES =
      List.of(
          new Case("this VM kind, as root", READY, List.of()),
          new Case(
              "no root: only that is said",
              new Machine(false, false, List.of("runc"), "vm", false, List.of()),
              List.of("not root", "run the tests as root, as CI does")),
          new Case(
              "no cgroups",
              new Machine(true, false, List.of(), "vm", true, List.of()),
              List.of("no cgroup file system at /sys/fs/cgroup")),
          new Case(
              "programs missing",
              new Machine(
                  true, true, List.of("runc", "/usr/lib/cni/loopback"), "vm", true, List.of()),
              List.of("missing runc, /usr/lib/cni/loopback", "bash .ci/install-deps")),
          new Case(
              "a real node's kubelet",
              new Machine(true, true, List.of(), "vm", true, List.of(42L)),
              List.of("a kubelet not started by the tests runs here (pid 42)")),
          new Case(
              "a host name on the network",
              new Machine(true, true, List.of(), "node-1", false, List.of()),
              List.of(
                  "does not resolve to a loopback address", "`127.0.0.1 node-1` to /etc/hosts")),
          new Case(
              "a host name that does not resolve",
              new Machine(true, true, List.of(), "node-1", null, List.of()),
              List.of("node-1 (the Node's name) does not resolve")));

  @ParameterizedTest
  @FieldSource("CASES")
  void theMessageSaysWhatIsMissingAndWhatToDo(Case c) {
    List<String> missing = ClusterRequirements.missing(c.machine());
    if (c.says().isEmpty()) {
      assertThat(missing).isEmpty();
    } else {
      assertThat(missing).hasSize(1);
      assertThat(missing.get(0)).contains(c.says());
    }
  }
}
