package dev.mirrorgate.agent.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StateCheckTest {

  static Stream<Arguments> states() {
    return Stream.of(
        Arguments.of(
            "what the agent writes",
            new ManagedState(
                Set.of(
                    "etc/containerd/certs.d/docker.io/hosts.toml",
                    "etc/docker/certs.d/mirror.test:5443/ca.crt",
                    "etc/containers/certs.d/[fd00::1]:5000/ca.crt",
                    "etc/containers/registries.conf.d/50-mirrorgate.conf"),
                Set.of(
                    "etc",
                    "etc/containerd",
                    "etc/containerd/certs.d",
                    "etc/containerd/certs.d/docker.io",
                    "var",
                    "var/lib",
                    "var/lib/mirrorgate",
                    "var/lib/mirrorgate/backup/etc/docker/certs.d/mirror.test:5443",
                    "run"),
                Set.of("etc/docker/certs.d/mirror.test:5443/ca.crt"),
                false,
                false),
            List.of()),
        Arguments.of(
            "absolute paths, climbing paths, files it never writes",
            new ManagedState(
                Set.of("/etc/shadow", "../../etc/passwd", "etc/passwd", "etc/docker/certs.d/"),
                Set.of("/tmp", "usr/lib", "etc/containerd/../.."),
                Set.of("etc/hosts"),
                false,
                false),
            List.of(
                "files: \"../../etc/passwd\" is not a plain relative path",
                "files: \"/etc/shadow\" is an absolute path",
                "files: \"etc/docker/certs.d/\" is not a plain relative path",
                "files: \"etc/passwd\" is not a file the agent writes",
                "backups: \"etc/hosts\" is not a file the agent writes",
                "directories: \"/tmp\" is an absolute path",
                "directories: \"etc/containerd/../..\" is not a plain relative path",
                "directories: \"usr/lib\" is not a directory the agent creates")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void listsEveryPathTheAgentNeverWrites(String name, ManagedState state, List<String> problems) {
    List<String> found = StateCheck.problems(state);
    assertThat(found).hasSameSizeAs(problems);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(found.get(i)).startsWith(problems.get(i));
    }
  }
}
