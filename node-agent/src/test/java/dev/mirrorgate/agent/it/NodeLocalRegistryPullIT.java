package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.common.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Registry with {@code nodeLocal}: workloads name {@code localhost:<port>/<repo>}, nothing
 * listens on that port on the node, and the agent's runtime config sends the pull to the registry's
 * TLS endpoint elsewhere (its ClusterIP in a cluster; 127.0.0.1 on another port here), trusted
 * through the CA of the controller's mirrors entry. The entry is what the controller renders for
 * such a Registry (see the golden {@code local-nodelocal-auth.yaml}).
 */
class NodeLocalRegistryPullIT {

  @TempDir static Path dir;
  static Processes procs;
  static Path root;
  static String nodeLocal;
  static String digest;
  static int registryPort;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.root();
    Requirements.binaries("containerd", "ctr", "docker-registry", "skopeo", "openssl");
    Path jar = Requirements.agentJar();
    procs = new Processes(dir);

    // The registry's serving certificate names its address, as the controller's leaf names the
    // Service's ClusterIP.
    TestPki pki = TestPki.create(procs, dir.resolve("pki"), "registry-local", List.of("127.0.0.1"));
    registryPort = Registries.startTls(procs, dir, "registry", pki);
    digest = OciImage.write(dir.resolve("oci"), "v1", "hello.txt", "hello from a Registry\n");
    Path certDir = Files.createDirectories(dir.resolve("skopeo-certs"));
    Files.copy(pki.caCert(), certDir.resolve("ca.crt"));
    procs.ok(
        List.of(
            "skopeo",
            "copy",
            "--dest-cert-dir",
            certDir.toString(),
            "oci:" + dir.resolve("oci") + ":v1",
            "docker://127.0.0.1:" + registryPort + "/apps/hello:v1"));
    nodeLocal = "localhost:" + Registries.freePort(); // nothing listens there

    root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc/containerd"));
    Files.writeString(
        root.resolve("etc/containerd/config.toml"),
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
            + "  config_path = \"/etc/containerd/certs.d\"\n");
    Files.createDirectories(root.resolve("etc/containers"));
    Files.copy(Path.of("/etc/containers/policy.json"), root.resolve("etc/containers/policy.json"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    String ca = Files.readString(pki.caCert()).replace("\n", "\n      ");
    Path mirrors =
        Files.writeString(
            dir.resolve("mirrors.yaml"),
            """
            mirrors:
              - name: registry-apps-local
                upstream: %s
                endpoint: https://127.0.0.1:%d
                address: 127.0.0.1
                rewrite: false
                caBundle: |
                  %s
            """
                .formatted(nodeLocal, registryPort, ca.strip()));
    procs.ok(
        List.of(
            Requirements.java(),
            "-XX:+UseSerialGC",
            "-Xmx32m",
            "-jar",
            jar.toString(),
            "apply",
            "--mirrors",
            mirrors.toString(),
            "--host-root",
            root.toString()));
  }

  @AfterAll
  static void tearDown() {
    if (procs != null) {
      procs.close();
    }
  }

  @Test
  void theNodesHostsFileIsLeftAloneForAnAddressEndpoint() throws Exception {
    assertThat(Files.readString(root.resolve("etc/hosts")))
        .isEqualTo("127.0.0.1 localhost\n::1 localhost\n");
    assertThat(root.resolve("etc/containerd/certs.d/" + nodeLocal + "/hosts.toml")).exists();
  }

  @Test
  void containerdPullsTheNodeLocalNameFromTheRegistrysTlsEndpoint() throws Exception {
    Containerd containerd = Containerd.start(procs, dir, root.resolve("etc/containerd/certs.d"));
    String image = nodeLocal + "/apps/hello:v1";

    Processes.Result pull = procs.run(List.of("sh", "-c", "exec " + containerd.pull(image)));

    assertThat(pull.exit()).as(pull.output()).isZero();
    assertThat(procs.ok(containerd.images())).contains(image).contains(digest);
    assertThat(procs.log("registry")).contains("/v2/apps/hello/manifests/v1");
  }

  @Test
  void crioAndPodmanStyleClientsPullItThroughRegistriesConfD() throws Exception {
    Path conf = root.resolve("etc/containers/registries.conf");
    Files.writeString(conf, "unqualified-search-registries = []\n");
    try {
      Processes.Result copy =
          procs.run(
              RuntimePullIT.inNamespace(
                  "mount --bind "
                      + root.resolve("etc/containers")
                      + " /etc/containers && exec skopeo copy docker://"
                      + nodeLocal
                      + "/apps/hello:v1 oci:"
                      + dir.resolve("skopeo-out")
                      + ":v1"));
      assertThat(copy.exit()).as(copy.output()).isZero();
      assertThat(Files.readString(dir.resolve("skopeo-out/index.json"))).contains(digest);
    } finally {
      Files.delete(conf);
    }
  }
}
