package dev.mirrorgate.webhook.deploy.registry;

import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.common.testing.OciImage;
import dev.mirrorgate.common.testing.Processes;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.webhook.owned.TestCa;
import dev.mirrorgate.webhook.tls.ClientTrust;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real registries for the ITs: Debian's {@code docker-registry} over TLS, images pushed by skopeo.
 */
final class RegistryFixture implements AutoCloseable {
  final Path dir;
  final Processes procs;
  final TestCa ca;
  final Path caFile;
  final Path certDir;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Map<String, Path> layouts = new HashMap<>();

  RegistryFixture(Path dir) throws Exception {
    this.dir = dir;
    this.procs = new Processes(dir);
    this.ca = TestCa.create("registry test CA");
    this.caFile = ca.file(dir.resolve("ca.crt"));
    this.certDir = ca.certDir(dir.resolve("certs"));
  }

  /** A registry on 127.0.0.1 over TLS (a leaf of the test CA), with an optional {@code auth:}. */
  int startTls(String name, String auth) throws Exception {
    int port = Registries.freePort();
    Path root = Files.createDirectories(dir.resolve(name));
    IssuedCertificate leaf = ca.loopback();
    Files.writeString(root.resolve("tls.crt"), leaf.certificateChainPem());
    Files.writeString(root.resolve("tls.key"), leaf.privateKeyPem());
    Path config =
        Files.writeString(
            root.resolve("config.yml"),
            """
            version: 0.1
            log: {level: info, accesslog: {disabled: true}}
            storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
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

  /**
   * Pushes an image whose one file holds {@code content} to {@code 127.0.0.1:port/repo:tag} with
   * skopeo; returns its manifest digest.
   */
  String push(int port, String repository, String tag, String content, String credentials)
      throws Exception {
    return push(port, repository, tag, content, credentials, true);
  }

  /** Pushes to a plain-HTTP registry. */
  String pushPlain(int port, String repository, String tag, String content) throws Exception {
    return push(port, repository, tag, content, null, false);
  }

  private String push(
      int port, String repository, String tag, String content, String credentials, boolean tls)
      throws Exception {
    Path layout = layouts.get(content);
    String digest;
    if (layout == null) {
      layout = dir.resolve("oci-" + layouts.size());
      digest = OciImage.write(layout, "t", "content.txt", content);
      layouts.put(content, layout);
      Files.writeString(layout.resolve("digest"), digest);
    } else {
      digest = Files.readString(layout.resolve("digest"));
    }
    List<String> command =
        new ArrayList<>(
            tls
                ? List.of("skopeo", "copy", "--dest-cert-dir", certDir.toString())
                : List.of("skopeo", "copy", "--dest-tls-verify=false"));
    if (credentials != null) {
      command.addAll(List.of("--dest-creds", credentials));
    }
    command.add("oci:" + layout + ":t");
    command.add("docker://127.0.0.1:" + port + "/" + repository + ":" + tag);
    procs.ok(command);
    return digest;
  }

  /** A client trusting the system CAs and the test CA. */
  RegistryClient client(RegistryClient.Options options) {
    return client(options, RegistryThrottle.Limit.DEFAULT);
  }

  RegistryClient client(RegistryClient.Options options, RegistryThrottle.Limit limit) {
    return new RegistryClient(
        new RegistryHosts(List.of()),
        ClientTrust.of(List.of(new ClientTrust.PemBundle("test CA", ca.pem()))),
        new RegistryThrottle(limit, Duration.ofSeconds(30), Clock.systemUTC()),
        new RegistryMetrics(meters),
        Clock.systemUTC(),
        options);
  }

  double requests(String request, String result) {
    var counter =
        meters
            .find("mirrorgate.registry.requests")
            .tag("request", request)
            .tag("result", result)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    procs.close();
  }
}
