package dev.mirrorgate.common.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Debian's distribution registry ({@code docker-registry}): plain, or a TLS pull-through cache. */
public final class Registries {

  private Registries() {}

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A plain-HTTP registry on 127.0.0.1; returns its port. */
  public static int startPlain(Processes procs, Path dir, String name) throws IOException {
    int port = freePort();
    start(procs, dir, name, port, "");
    return port;
  }

  /** A TLS registry to push to on 127.0.0.1 (as a Registry CR runs it); returns its port. */
  public static int startTls(Processes procs, Path dir, String name, TestPki pki)
      throws IOException {
    int port = freePort();
    start(
        procs,
        dir,
        name,
        port,
        "  tls:\n    certificate: %s\n    key: %s\n".formatted(pki.serverCert(), pki.serverKey()));
    return port;
  }

  /** A TLS pull-through cache of {@code remote} on 127.0.0.1; returns its port. */
  public static int startProxy(Processes procs, Path dir, String name, TestPki pki, String remote)
      throws IOException {
    int port = freePort();
    String extra =
        "  tls:\n    certificate: %s\n    key: %s\nproxy:\n  remoteurl: %s\n"
            .formatted(pki.serverCert(), pki.serverKey(), remote);
    start(procs, dir, name, port, extra);
    return port;
  }

  private static void start(Processes procs, Path dir, String name, int port, String extra)
      throws IOException {
    Path data = Files.createDirectories(dir.resolve(name + "-data"));
    Path config = dir.resolve(name + ".yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        """
                .formatted(data, port)
            + extra);
    start(procs, name, config, port, Map.of());
  }

  /**
   * Runs {@code docker-registry serve config} with extra environment variables, its output in the
   * log {@code name}; returns once it accepts connections on 127.0.0.1:{@code port} (which the
   * configuration must listen on).
   */
  public static Process start(
      Processes procs, String name, Path config, int port, Map<String, String> env)
      throws IOException {
    Process process =
        procs.start(name, List.of("docker-registry", "serve", config.toString()), env);
    await(name + " listening on " + port)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .failFast(name + " exited; see its log " + name + ".log", () -> !process.isAlive())
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
              }
            });
    return process;
  }
}
