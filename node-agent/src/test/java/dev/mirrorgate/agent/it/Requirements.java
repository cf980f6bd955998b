package dev.mirrorgate.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Skips an IT, saying why, when this machine lacks what it needs. */
final class Requirements {

  private Requirements() {}

  static void root() {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root (mount namespaces, bind mounts, tmpfs); running as "
            + System.getProperty("user.name"));
  }

  static void binaries(String... names) {
    for (String name : names) {
      assumeTrue(
          which(name) != null,
          name + " is not installed (apt-get install -y containerd docker-registry skopeo)");
    }
  }

  static Path which(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin"}) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The node agent's shaded jar; built by the package phase that runs before the ITs. {@code
   * -Dagent.jar=FILE} runs the ITs against another build (an older one, to see what they catch).
   */
  static Path agentJar() {
    Path jar =
        Path.of(System.getProperty("agent.jar", "target/mirrorgate-node-agent.jar"))
            .toAbsolutePath();
    assumeTrue(Files.exists(jar), "run the ITs through Maven verify: " + jar + " is not built");
    return jar;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
