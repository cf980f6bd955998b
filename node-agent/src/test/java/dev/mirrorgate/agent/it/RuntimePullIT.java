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
 * Real runtimes pull {@code upstream.test:<port>/test/hello:v1} through a TLS pull-through cache
 * that they reach only through the agent's files: the upstream name resolves nowhere, the mirror is
 * reached under its masquerade name via the agent's /etc/hosts block, bind-mounted on /etc/hosts in
 * a private mount namespace, and trusted through the agent's CA files.
 */
class RuntimePullIT {

  static final String MASQUERADE = "mirror.test";

  @TempDir static Path dir;
  static Processes procs;
  static Path root;
  static String upstream;
  static String digest;
  static int proxyPort;
  static String agentOutput;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.root();
    Requirements.binaries(
        "containerd", "ctr", "docker-registry", "skopeo", "openssl", "unshare", "mount");
    Path jar = Requirements.agentJar();
    procs = new Processes(dir);

    TestPki pki = TestPki.create(procs, dir.resolve("pki"), MASQUERADE);
    int upstreamPort = Registries.startPlain(procs, dir, "upstream");
    upstream = "upstream.test:" + upstreamPort;
    digest = OciImage.write(dir.resolve("oci"), "v1", "hello.txt", "hello through a mirror\n");
    procs.ok(
        List.of(
            "skopeo",
            "copy",
            "--dest-tls-verify=false",
            "oci:" + dir.resolve("oci") + ":v1",
            "docker://127.0.0.1:" + upstreamPort + "/test/hello:v1"));
    proxyPort =
        Registries.startProxy(procs, dir, "mirror", pki, "http://127.0.0.1:" + upstreamPort);

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
              - name: upstream
                upstream: %s
                endpoint: https://%s:%d
                masquerade: %s
                address: 127.0.0.1
                caBundle: |
                  %s
            """
                .formatted(upstream, MASQUERADE, proxyPort, MASQUERADE, ca.strip()));
    agentOutput =
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
  void theAgentWroteEveryOutputTheNodeHas() throws Exception {
    assertThat(Files.readString(root.resolve("etc/hosts")))
        .isEqualTo(
            "127.0.0.1 localhost\n::1 localhost\n"
                + "# BEGIN mirrorgate\n127.0.0.1 mirror.test\n# END mirrorgate\n");
    assertThat(root.resolve("etc/containerd/certs.d/" + upstream + "/hosts.toml")).exists();
    assertThat(root.resolve("etc/containers/registries.conf.d/50-mirrorgate.conf")).exists();
    assertThat(root.resolve("etc/containers/certs.d/mirror.test:" + proxyPort + "/ca.crt"))
        .exists();
    assertThat(agentOutput).doesNotContain("containerd ignores hosts.toml");
  }

  @Test
  void containerdPullsThroughTheMasqueradedMirror() throws Exception {
    Containerd containerd = Containerd.start(procs, dir, root.resolve("etc/containerd/certs.d"));

    String image = upstream + "/test/hello:v1";
    Processes.Result pull =
        procs.run(
            inNamespace(
                "mount --bind "
                    + root.resolve("etc/hosts")
                    + " /etc/hosts && exec "
                    + containerd.pull(image)));

    assertThat(pull.exit()).as(pull.output()).isZero();
    String images = procs.ok(containerd.images());
    assertThat(images).contains(image).contains(digest);
    assertThat(procs.log("mirror")).contains("/v2/test/hello/manifests/v1");
  }

  @Test
  void skopeoReachesTheImageThroughRegistriesConfD() throws Exception {
    Path conf = root.resolve("etc/containers/registries.conf");
    Files.writeString(conf, "unqualified-search-registries = []\n");
    try {
      Processes.Result inspect =
          procs.run(
              inNamespace(
                  "mount --bind "
                      + root.resolve("etc/hosts")
                      + " /etc/hosts && "
                      + "mount --bind "
                      + root.resolve("etc/containers")
                      + " /etc/containers && "
                      + "exec skopeo copy docker://"
                      + upstream
                      + "/test/hello:v1 oci:"
                      + dir.resolve("skopeo-out")
                      + ":v1"));
      assertThat(inspect.exit()).as(inspect.output()).isZero();
      assertThat(Files.readString(dir.resolve("skopeo-out/index.json"))).contains(digest);
    } finally {
      Files.delete(conf);
    }
  }

  /** A shell command in a private mount namespace, so bind mounts never reach the machine. */
  static List<String> inNamespace(String script) {
    return List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script);
  }
}
