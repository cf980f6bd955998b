package dev.mirrorgate.agent.it;

import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private containerd for one test class: its own root, state and sockets under {@code dir},
 * registry hosts read from {@code hostsDir} (the agent's {@code certs.d}).
 *
 * @param socket its gRPC socket, for {@code ctr --address}
 */
record Containerd(Path socket, Path hostsDir) {

  static Containerd start(Processes procs, Path dir, Path hostsDir) throws IOException {
    Path cd = Files.createDirectories(dir.resolve("containerd"));
    Path socket = cd.resolve("containerd.sock");
    Path config = cd.resolve("config.toml");
    Files.writeString(
        config,
        """
        version = 2
        root = "%s"
        state = "%s"
        [grpc]
          address = "%s"
        [ttrpc]
          address = "%s"
        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "%s"
        """
            .formatted(
                cd.resolve("root"),
                cd.resolve("state"),
                socket,
                cd.resolve("ttrpc.sock"),
                hostsDir));
    procs.start("containerd", List.of("containerd", "--config", config.toString()));
    await("containerd answering on " + socket)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> procs.run(List.of("ctr", "--address", socket.toString(), "version")).exit() == 0);
    return new Containerd(socket, hostsDir);
  }

  /** The {@code ctr images pull} command line of {@code image}, hosts from the agent's files. */
  String pull(String image) {
    return "ctr --address " + socket + " images pull --hosts-dir " + hostsDir + " " + image;
  }

  /** {@code ctr images ls}. */
  List<String> images() {
    return List.of("ctr", "--address", socket.toString(), "images", "ls");
  }
}
