package dev.mirrorgate.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContainerdConfigCheckTest {

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(null, "does not exist"),
        Arguments.of("version = 2\n", "config_path is unset"),
        Arguments.of(
            "version = 2\n# config_path = \"/etc/containerd/certs.d\"\n", "config_path is unset"),
        Arguments.of("version = 3\n", "io.containerd.cri.v1.images"),
        Arguments.of(
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"\"\n",
            "config_path is unset"),
        Arguments.of("  config_path = \"/opt/registry\"\n", "does not include"),
        Arguments.of(
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
                + "  config_path = \"/etc/containerd/certs.d:/etc/docker/certs.d\"\n",
            null),
        Arguments.of("config_path = '/etc/containerd/certs.d/'\n", null));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void reportsAnIgnoredCertsD(String config, String problem) {
    Optional<String> result = ContainerdConfigCheck.problem(Optional.ofNullable(config));
    if (problem == null) {
      assertThat(result).isEmpty();
    } else {
      assertThat(result).hasValueSatisfying(p -> assertThat(p).contains(problem));
    }
  }
}
