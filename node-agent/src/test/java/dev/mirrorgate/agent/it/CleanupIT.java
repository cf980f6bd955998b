package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cleanup} gives the node back exactly as it found it, the agent's lock file and the
 * directory it made for it included, also while an agent runs (the documented way to uninstall:
 * cleanup on each node, then delete the DaemonSet): the running agent sees the cleanup and creates
 * nothing more.
 */
class CleanupIT {

  static final String HOSTS = "127.0.0.1 localhost\n::1 localhost\n";

  @TempDir Path dir;
  Processes procs;
  ShippedAgent agent;
  Path root;
  Path mirrors;

  @BeforeEach
  void setUp() throws Exception {
    agent = ShippedAgent.create();
    procs = new Processes(dir);
    root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc/containerd"));
    Files.writeString(root.resolve("etc/hosts"), HOSTS);
    mirrors =
        Files.writeString(
            dir.resolve("mirrors.yaml"),
            """
            mirrors:
              - name: docker
                upstream: docker.io
                endpoint: https://10.96.0.15:443
                masquerade: mirror-docker.io
                address: 10.96.0.15
            """);
  }

  @AfterEach
  void tearDown() {
    procs.close();
  }

  @Test
  void applyThenCleanupLeavesNoLockFileAndNoDirectoryOfTheAgents() throws Exception {
    SortedMap<String, String> before = NodeTree.of(root);

    ok("apply", "--mirrors", mirrors.toString(), "--host-root", root.toString());
    assertThat(root.resolve("run/mirrorgate.lock")).exists();
    ok("cleanup", "--host-root", root.toString());

    assertThat(NodeTree.of(root)).isEqualTo(before);
  }

  @Test
  void aCleanupWhileTheAgentRunsLeavesTheNodeAsItWasAndTheAgentWritesNothingMore()
      throws Exception {
    Files.createDirectories(root.resolve("run")); // a node's /run: the agent's lock goes in it
    SortedMap<String, String> before = NodeTree.of(root);
    agent.start(
        procs,
        "agent",
        "run",
        "--mirrors",
        mirrors.toString(),
        "--host-root",
        root.toString(),
        "--resync",
        "1s",
        "--health-port",
        "0",
        "--health-address",
        "127.0.0.1");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(root.resolve("etc/hosts")).contains("mirror-docker.io"));

    ok("cleanup", "--host-root", root.toString());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> procs.log("agent").contains("cleanup seen: writing nothing until restarted"));
    // several resyncs later, still nothing: no lock file, no block
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(NodeTree.of(root)).isEqualTo(before);
    assertThat(procs.log("agent")).doesNotContain("\"level\":\"error\"");
  }

  private void ok(String... args) throws Exception {
    Processes.Result r = agent.run(procs, args);
    assertThat(r.exit()).as(String.join(" ", args) + ":%n" + r.output()).isZero();
  }
}
