package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A masquerade that would shadow a name the node needs never reaches its /etc/hosts: the real jar
 * refuses the document (exit 2, every error listed with its location) and writes nothing.
 */
class MasqueradeIT {

  static final String HOSTS = "127.0.0.1 localhost\n::1 localhost\n";

  @TempDir Path dir;
  Processes procs;
  ShippedAgent agent;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    agent = ShippedAgent.create();
    procs = new Processes(dir);
    root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), HOSTS);
    Files.writeString(root.resolve("etc/hostname"), "worker-3.nodes.example\n");
  }

  @AfterEach
  void tearDown() {
    procs.close();
  }

  static Stream<Arguments> masquerades() {
    return Stream.of(
        Arguments.of("localhost", "is a loopback name of the node"),
        Arguments.of("10.96.0.1", "is an IP address; a masquerade must be a DNS name"),
        Arguments.of("127.1", "is read as an IP address by the node's resolver"),
        Arguments.of("kubernetes.default.svc", "is a cluster-internal name"),
        Arguments.of("registry.kube-system.svc.cluster.local", "is a cluster-internal name"),
        Arguments.of("worker-7", "is the name of this node (worker-7)"), // NODE_NAME
        Arguments.of("worker-3", "is the name of this node (worker-3.nodes.example)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masquerades")
  void aMasqueradeTheNodeNeedsIsRefusedAndNothingIsWritten(String name, String why)
      throws Exception {
    Path mirrors = mirrors(name);
    SortedMap<String, String> before = NodeTree.of(root);

    Processes.Result r =
        agent.run(
            procs,
            Map.of("NODE_NAME", "worker-7"),
            "apply",
            "--mirrors",
            mirrors.toString(),
            "--host-root",
            root.toString());

    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output())
        .contains("\"msg\":\"invalid mirrors document\"")
        .contains("mirrors[0].masquerade: \\\"" + name + "\\\" " + why);
    assertThat(NodeTree.of(root)).isEqualTo(before);
  }

  @Test
  void everyRefusedMasqueradeOfADocumentIsListed() throws Exception {
    Path mirrors =
        Files.writeString(
            dir.resolve("mirrors.yaml"),
            """
            mirrors:
              - {name: a, upstream: a.io, endpoint: "https://10.0.0.1", masquerade: localhost, address: 10.0.0.1}
              - {name: b, upstream: b.io, endpoint: "https://10.0.0.2", masquerade: mirror-b.test, address: 10.0.0.2}
              - {name: c, upstream: c.io, endpoint: "https://10.0.0.3", masquerade: x.default.svc, address: 10.0.0.3}
            """);

    Processes.Result r =
        agent.run(procs, "apply", "--mirrors", mirrors.toString(), "--host-root", root.toString());

    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output())
        .contains("mirrors[0].masquerade: \\\"localhost\\\"")
        .contains("mirrors[2].masquerade: \\\"x.default.svc\\\"")
        .doesNotContain("mirrors[1]");
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(HOSTS);
  }

  @Test
  void aNameOfItsOwnIsAMasquerade() throws Exception {
    Processes.Result r =
        agent.run(
            procs,
            Map.of("NODE_NAME", "worker-7"),
            "apply",
            "--mirrors",
            mirrors("mirror-docker.io").toString(),
            "--host-root",
            root.toString());

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readString(root.resolve("etc/hosts")))
        .isEqualTo(HOSTS + "# BEGIN mirrorgate\n10.96.0.15 mirror-docker.io\n# END mirrorgate\n");
  }

  private Path mirrors(String masquerade) throws Exception {
    return Files.writeString(
        dir.resolve("mirrors.yaml"),
        """
        mirrors:
          - name: docker
            upstream: docker.io
            endpoint: https://10.96.0.15:443
            masquerade: "%s"
            address: 10.96.0.15
        """
            .formatted(masquerade));
  }
}
