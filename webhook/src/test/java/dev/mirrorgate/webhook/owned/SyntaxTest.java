package dev.mirrorgate.webhook.owned;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyntaxTest {
  static Stream<Arguments> values() {
    Function<String, String> label = v -> Syntax.dnsLabel(v, 38);
    return Stream.of(
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "docker.io", true),
        Arguments.of(
            "registryHost",
            (Function<String, String>) Syntax::registryHost,
            "localhost:5000",
            true),
        Arguments.of(
            "registryHost",
            (Function<String, String>) Syntax::registryHost,
            "[fd00::1]:5000",
            true),
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "10.0.0.1", true),
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "Docker.io", false),
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "docker", false),
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "q.io:0", false),
        Arguments.of(
            "registryHost", (Function<String, String>) Syntax::registryHost, "https://q.io", false),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "20Gi", true),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "1.5T", true),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "100m", true),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "1e3", true),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "20 GB", false),
        Arguments.of("quantity", (Function<String, String>) Syntax::quantity, "Gi", false),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "168h", true),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "1h30m", true),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "0", true),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "1.5h", true),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "7d", false),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "-1h", false),
        Arguments.of("goDuration", (Function<String, String>) Syntax::goDuration, "h", false),
        Arguments.of(
            "ipAddress", (Function<String, String>) Syntax::ipAddress, "172.17.1.62", true),
        Arguments.of("ipAddress", (Function<String, String>) Syntax::ipAddress, "fd00::1", true),
        Arguments.of(
            "ipAddress", (Function<String, String>) Syntax::ipAddress, "172.17.1.620", false),
        Arguments.of("ipAddress", (Function<String, String>) Syntax::ipAddress, "host", false),
        Arguments.of("dnsLabel", label, "docker", true),
        Arguments.of("dnsLabel", label, "9lives", true),
        Arguments.of("dnsLabel", label, "docker.io", false),
        Arguments.of("dnsLabel", label, "-x", false),
        Arguments.of("dnsLabel", label, "a".repeat(39), false),
        Arguments.of(
            "dnsSubdomain", (Function<String, String>) Syntax::dnsSubdomain, "hub.creds", true),
        Arguments.of("dnsSubdomain", (Function<String, String>) Syntax::dnsSubdomain, "Hub", false),
        Arguments.of(
            "image",
            (Function<String, String>) Syntax::image,
            "docker.io/library/registry:2",
            true),
        Arguments.of(
            "image",
            (Function<String, String>) Syntax::image,
            "registry:3@sha256:" + "a".repeat(64),
            true),
        Arguments.of("image", (Function<String, String>) Syntax::image, "Registry:2", false));
  }

  @ParameterizedTest(name = "{0}({2}) valid={3}")
  @MethodSource("values")
  void acceptsWhatKubernetesAndTheRegistryAccept(
      String check, Function<String, String> syntax, String value, boolean valid) {
    String problem = syntax.apply(value);

    if (valid) {
      assertThat(problem).isNull();
    } else {
      assertThat(problem).isNotNull().contains("\"" + value + "\"");
    }
  }
}
