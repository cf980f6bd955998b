package dev.mirrorgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

  static final String MIRRORS =
      """
      mirrors:
        - name: up
          upstream: upstream.test:5000
          endpoint: https://mirror.test:5443
          masquerade: mirror.test
          address: 127.0.0.1
      """;

  @TempDir Path dir;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  private int run(String... args) {
    Log log = new Log(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC());
    return Main.commandLine(log).execute(args);
  }

  @Test
  void applyMapCheckCleanup() throws Exception {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc/containerd"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Path mirrors = Files.writeString(dir.resolve("mirrors.yaml"), MIRRORS);
    String[] common = {"--mirrors", mirrors.toString(), "--host-root", root.toString()};

    assertThat(run(concat("map-check", common))).isEqualTo(ExitCodes.DIFFERS);
    assertThat(run(concat("apply", common))).isEqualTo(ExitCodes.OK);
    assertThat(root.resolve("etc/containerd/certs.d/upstream.test:5000/hosts.toml")).exists();
    assertThat(logs.toString()).contains("config_path");
    assertThat(run(concat("map-check", common))).isEqualTo(ExitCodes.OK);

    assertThat(run("cleanup", "--host-root", root.toString())).isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
    assertThat(root.resolve("etc/containerd/certs.d")).doesNotExist();
  }

  @Test
  void invalidDocumentListsEveryErrorAndWritesNothing() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root/etc"));
    Path mirrors =
        Files.writeString(dir.resolve("mirrors.yaml"), "mirrors: [{name: X}, {endpoint: ftp://a}]");

    int rc =
        run("apply", "--mirrors", mirrors.toString(), "--host-root", root.getParent().toString());

    assertThat(rc).isEqualTo(ExitCodes.INVALID_MIRRORS);
    assertThat(logs.toString())
        .contains("mirrors[0].name", "mirrors[0].upstream", "mirrors[1].endpoint");
    try (var s = Files.list(root)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void explicitOutputs() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path mirrors = Files.writeString(dir.resolve("mirrors.yaml"), MIRRORS);
    int rc =
        run(
            "apply",
            "--mirrors",
            mirrors.toString(),
            "--host-root",
            root.toString(),
            "--outputs",
            "containers");
    assertThat(rc).isEqualTo(ExitCodes.OK);
    assertThat(root.resolve("etc/containers/registries.conf.d/50-mirrorgate.conf")).exists();
    assertThat(root.resolve("etc/hosts")).doesNotExist();
  }

  private static String[] concat(String first, String[] rest) {
    String[] out = new String[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
