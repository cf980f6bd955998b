package dev.mirrorgate.webhook.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.Htpasswd;
import dev.mirrorgate.webhook.owned.PodFiles;
import dev.mirrorgate.webhook.owned.RegistryLayout;
import dev.mirrorgate.webhook.owned.TestCa;
import dev.mirrorgate.webhook.owned.TokenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered caching proxy runs for real: Debian's {@code docker-registry} is started with
 * exactly the {@code config.yml}, certificate and environment the renderer produced (only the
 * listen address and file paths moved out of the pod), in front of an upstream registry holding an
 * image pushed by skopeo, and skopeo pulls the image through it, trusting mirrorgate's CA.
 */
class RegistryMirrorProxyIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NAMESPACE = "mirrorgate";

  @TempDir static Path dir;
  static Processes procs;
  static TestCa upstreamCa;
  static TestCa mirrorgateCa;
  static Path upstreamCaFile;
  static Path ociImage;
  static String digest;

  private final RegistryMirrorRenderer renderer = new RegistryMirrorRenderer();

  @BeforeAll
  static void setUp() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo")) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/bin", binary)),
          binary + " is not installed (bash .ci/install-deps)");
    }
    procs = new Processes(dir);
    upstreamCa = TestCa.create("upstream test CA");
    mirrorgateCa = TestCa.create("mirrorgate mirror CA");
    upstreamCaFile = upstreamCa.file(dir.resolve("upstream-ca.crt"));
    ociImage = dir.resolve("oci");
    digest = OciImage.write(ociImage, "v1", "hello.txt", "hello through a rendered mirror\n");
  }

  @AfterAll
  static void tearDown() {
    if (procs != null) {
      procs.close();
    }
  }

  @Test
  void pullsThroughTheRenderedProxy() throws Exception {
    int upstreamPort = startUpstream("open-upstream", "");
    push(upstreamPort, null);

    RegistryMirrorSpec spec = spec("open", "127.0.0.1:" + upstreamPort, "");
    Proxy proxy = startProxy(spec, List.of());

    assertThat(proxy.config())
        .contains("remoteurl: https://127.0.0.1:" + upstreamPort, "ttl: 168h");
    assertThat(pull(proxy.port(), "library/hello:v1").output()).contains(digest);
    assertThat(proxy.storage().resolve("docker/registry/v2/repositories/library/hello"))
        .as("the image is cached on the mirror's storage")
        .isDirectory();
    assertThat(get(proxy.port(), "/v2/"))
        .as("the probes' path answers without credentials")
        .isEqualTo(200);
  }

  /**
   * The upstream authenticates users from an htpasswd file (bcrypt) through a token server, as
   * Docker Hub, GHCR, Quay and Harbor do: distribution 2.8 sends the proxy's credentials only to a
   * Bearer realm. (An upstream with Basic authentication alone is beyond it: the challenge is
   * established but no credentials are sent, and pulls fail with "manifest unknown".)
   */
  @Test
  void pullsWithTheSecretsCredentialsFromAnUpstreamThatRequiresThem() throws Exception {
    String users = Htpasswd.line("mirror", "s3cret pass:with@signs");
    try (TokenServer tokens = new TokenServer(upstreamCa.loopback(), users)) {
      String auth =
          """
          auth:
            token:
              realm: %s
              service: %s
              issuer: %s
              rootcertbundle: %s
          """
              .formatted(tokens.realm(), TokenServer.SERVICE, TokenServer.ISSUER, upstreamCaFile);
      int upstreamPort = startUpstream("locked-upstream", auth);
      push(upstreamPort, "mirror:s3cret pass:with@signs");

      RegistryMirrorSpec spec =
          spec("locked", "127.0.0.1:" + upstreamPort, "credentialsSecret: hub-creds");
      ObjectNode credentials =
          (ObjectNode)
              YAML.readTree(
                  "{apiVersion: v1, kind: Secret, metadata: {name: hub-creds, namespace: %s}}"
                      .formatted(NAMESPACE));
      credentials
          .putObject("data")
          .put("username", base64("mirror"))
          .put("password", base64("s3cret pass:with@signs"));
      assertThat(RegistryMirrorSpecParser.credentialsProblems(spec, NAMESPACE, credentials))
          .isEmpty();

      Proxy withCredentials = startProxy(spec, List.of(credentials));
      assertThat(withCredentials.env())
          .containsEntry("REGISTRY_PROXY_USERNAME", "mirror")
          .containsEntry("REGISTRY_PROXY_PASSWORD", "s3cret pass:with@signs");
      assertThat(withCredentials.config()).doesNotContain("s3cret", "mirror:");
      Processes.Result pulled = pull(withCredentials.port(), "library/hello:v1");
      assertThat(pulled.output()).as(procs.log("locked")).contains(digest);

      // The same mirror without credentials: the token server refuses, so they mattered.
      Proxy anonymous = startProxy(spec("anonymous", "127.0.0.1:" + upstreamPort, ""), List.of());
      Processes.Result refused = pull(anonymous.port(), "library/hello:v1");
      assertThat(refused.exit()).as(refused.output()).isNotZero();
    }
  }

  private record Proxy(int port, String config, Map<String, String> env, Path storage) {}

  private Proxy startProxy(RegistryMirrorSpec spec, List<ObjectNode> secrets) throws Exception {
    int port = Registries.freePort();
    Path root = Files.createDirectories(dir.resolve(spec.name()));
    RegistryLayout layout = PodFiles.layout(root, port);
    CertificateNames names = renderer.certificateNames(spec, NAMESPACE, "127.0.0.1");
    IssuedCertificate leaf = mirrorgateCa.issue(names);
    ObjectNode tls =
        renderer.tlsSecret(
            spec, NAMESPACE, leaf.certificateChainPem(), leaf.privateKeyPem(), mirrorgateCa.pem());
    ObjectNode configMap = renderer.configMap(spec, NAMESPACE);
    ObjectNode statefulSet =
        renderer.statefulSet(spec, NAMESPACE, leaf.certificateChainPem(), "", layout);
    String config = renderer.configYaml(spec, layout);
    // Only the listen address and the paths differ from what the pods get.
    assertThat(config.replace(layout.listenAddress(), ":5000").replace(root.toString(), ""))
        .isEqualTo(
            PodFiles.data(configMap, false)
                .get("config.yml")
                .replace(RegistryLayout.IN_CONTAINER.configDirectory(), "/config")
                .replace(RegistryLayout.IN_CONTAINER.tlsDirectory(), "/tls")
                .replace(RegistryLayout.IN_CONTAINER.storageDirectory(), "/data"));
    ObjectNode configForLayout = configMap.deepCopy();
    ((ObjectNode) configForLayout.get("data")).put("config.yml", config);
    PodFiles pod = new PodFiles(statefulSet).with(tls).with(configForLayout);
    secrets.forEach(pod::with);
    pod.mount();
    Map<String, String> env = new HashMap<>(pod.env());
    // The cluster's proxies trust the system CAs; this upstream's CA stands in for them.
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.put("SSL_CERT_FILE", upstreamCaFile.toString());
    assertThat(pod.configFile()).isEqualTo(Path.of(layout.configFile()));
    Registries.start(procs, spec.name(), pod.configFile(), port, processEnv);
    return new Proxy(port, config, env, Path.of(layout.storageDirectory()));
  }

  private int startUpstream(String name, String auth) throws Exception {
    int port = Registries.freePort();
    Path root = Files.createDirectories(dir.resolve(name));
    IssuedCertificate leaf = upstreamCa.loopback();
    Files.writeString(root.resolve("tls.crt"), leaf.certificateChainPem());
    Files.writeString(root.resolve("tls.key"), leaf.privateKeyPem());
    Path config =
        Files.writeString(
            root.resolve("config.yml"),
            """
            version: 0.1
            log: {level: info}
            storage: {filesystem: {rootdirectory: %s}}
            http:
              addr: 127.0.0.1:%d
              tls: {certificate: %s, key: %s}
            """
                    .formatted(
                        root.resolve("data"),
                        port,
                        root.resolve("tls.crt"),
                        root.resolve("tls.key"))
                + auth);
    Registries.start(procs, name, config, port, Map.of());
    return port;
  }

  private void push(int upstreamPort, String credentials) throws Exception {
    Path certs = upstreamCa.certDir(dir.resolve("upstream-certs"));
    List<String> command =
        new java.util.ArrayList<>(List.of("skopeo", "copy", "--dest-cert-dir", certs.toString()));
    if (credentials != null) {
      command.addAll(List.of("--dest-creds", credentials));
    }
    command.add("oci:" + ociImage + ":v1");
    command.add("docker://127.0.0.1:" + upstreamPort + "/library/hello:v1");
    procs.ok(command);
  }

  private Processes.Result pull(int proxyPort, String image) throws Exception {
    Path certs = mirrorgateCa.certDir(dir.resolve("mirrorgate-certs"));
    Path out = Files.createTempDirectory(dir, "pulled");
    Processes.Result result =
        procs.run(
            List.of(
                "skopeo",
                "copy",
                "--src-cert-dir",
                certs.toString(),
                "docker://127.0.0.1:" + proxyPort + "/" + image,
                "oci:" + out + ":pulled"));
    if (result.exit() == 0) {
      return new Processes.Result(0, Files.readString(out.resolve("index.json")));
    }
    return result;
  }

  private int get(int port, String path) throws Exception {
    var client =
        java.net.http.HttpClient.newBuilder().sslContext(mirrorgateCa.clientContext()).build();
    return client
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://127.0.0.1:" + port + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static RegistryMirrorSpec spec(String name, String upstream, String extra)
      throws Exception {
    JsonNode cr =
        YAML.readTree(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: RegistryMirror
            metadata: {name: %s, uid: 0c6e1f4a-5f0e-4bde-9a51-2b1f4e0f7c11, generation: 1}
            spec:
              upstream: "%s"
              masquerade: mirror.test
              %s
            """
                .formatted(name, upstream, extra));
    return new RegistryMirrorSpecParser().parse(cr).get();
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder()
        .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
