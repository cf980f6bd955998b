package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChallengeTest {

  static Stream<Arguments> headers() {
    return Stream.of(
        Arguments.of(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\"",
            List.of(
                new Challenge(
                    "bearer",
                    Map.of(
                        "realm", "https://auth.docker.io/token",
                        "service", "registry.docker.io",
                        "scope", "repository:library/nginx:pull")))),
        Arguments.of(
            "Basic realm=\"Registry Realm\"",
            List.of(new Challenge("basic", Map.of("realm", "Registry Realm")))),
        // scheme and parameter names are case-insensitive; spaces around '=' and ','
        Arguments.of(
            "BEARER  Realm = \"https://ghcr.io/token\" , Service=ghcr.io",
            List.of(
                new Challenge(
                    "bearer", Map.of("realm", "https://ghcr.io/token", "service", "ghcr.io")))),
        // quoted commas, escapes
        Arguments.of(
            "Bearer realm=\"https://r/t\",scope=\"repository:a:pull,push\",error=\"a \\\"quoted\\\" word\"",
            List.of(
                new Challenge(
                    "bearer",
                    Map.of(
                        "realm", "https://r/t",
                        "scope", "repository:a:pull,push",
                        "error", "a \"quoted\" word")))),
        // two challenges in one header; an unquoted URL value is read leniently
        Arguments.of(
            "Basic realm=\"x\", Bearer realm=https://auth.example/token,service=example",
            List.of(
                new Challenge("basic", Map.of("realm", "x")),
                new Challenge(
                    "bearer",
                    Map.of("realm", "https://auth.example/token", "service", "example")))),
        // a token68 credential is skipped
        Arguments.of(
            "Negotiate abc123==, Basic realm=\"r\"",
            List.of(
                new Challenge("negotiate", Map.of()),
                new Challenge("basic", Map.of("realm", "r")))),
        Arguments.of("", List.of()),
        Arguments.of("Bearer", List.of(new Challenge("bearer", Map.of()))));
  }

  @ParameterizedTest
  @MethodSource("headers")
  void parses(String header, List<Challenge> expected) {
    assertThat(Challenge.parse(header)).isEqualTo(expected);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "Bearer realm=\"https://unterminated", "unterminated quoted string at character 14"),
        Arguments.of("realm=\"x\"", "parameter \"realm\" before any scheme at character 1"),
        Arguments.of("Bearer realm=\"x\" ;", "expected a scheme or a parameter name, found ';'"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void saysWhatIsWrongAndWhere(String header, String why) {
    assertThatThrownBy(() -> Challenge.parse(header))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why)
        .hasMessageStartingWith("WWW-Authenticate \"" + header + "\"");
  }

  @org.junit.jupiter.api.Test
  void prefersBearerOverBasicAcrossHeaders() {
    assertThat(
            Challenge.preferred(List.of("Basic realm=\"a\"", "Bearer realm=\"https://t\"")).get())
        .isEqualTo(new Challenge("bearer", Map.of("realm", "https://t")));
    assertThat(Challenge.preferred(List.of("Basic realm=\"a\"")).get().isBasic()).isTrue();
    assertThat(Challenge.preferred(List.of("Negotiate"))).isEmpty();
  }
}
