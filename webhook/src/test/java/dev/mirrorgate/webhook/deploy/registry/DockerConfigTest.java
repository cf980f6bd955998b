package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which entry of a {@code .dockerconfigjson} serves which repository. */
class DockerConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A config of entries {@code key -> auth for user "u-<key>"} (':' in the key as '_'). */
  private static String config(String... keys) {
    ObjectNode auths = JSON.createObjectNode();
    for (String key : keys) {
      auths.putObject(key).put("auth", b64("u-" + key.replace(':', '_') + ":p"));
    }
    return JSON.createObjectNode().set("auths", auths).toString();
  }

  static Stream<Arguments> matches() {
    return Stream.of(
        // Docker Hub's key forms all serve docker.io
        Arguments.of(
            List.of("https://index.docker.io/v1/"), "nginx", "u-https://index.docker.io/v1/"),
        Arguments.of(List.of("index.docker.io"), "docker.io/acme/app", "u-index.docker.io"),
        Arguments.of(List.of("docker.io"), "acme/app", "u-docker.io"),
        Arguments.of(List.of("registry-1.docker.io"), "acme/app", "u-registry-1.docker.io"),
        Arguments.of(List.of("https://index.docker.io/v1/"), "ghcr.io/acme/app", null),
        // host, scheme, /v2/ suffix, case
        Arguments.of(List.of("ghcr.io"), "ghcr.io/acme/app", "u-ghcr.io"),
        Arguments.of(List.of("https://GHCR.io/v2/"), "ghcr.io/acme/app", "u-https://GHCR.io/v2/"),
        Arguments.of(List.of("http://ghcr.io"), "ghcr.io/acme/app", "u-http://ghcr.io"),
        // ports count
        Arguments.of(
            List.of("registry.local:5000"), "registry.local:5000/app", "u-registry.local:5000"),
        Arguments.of(List.of("registry.local:5000"), "registry.local/app", null),
        Arguments.of(List.of("registry.local"), "registry.local:5000/app", null),
        Arguments.of(List.of("localhost:5000"), "localhost:5000/app", "u-localhost:5000"),
        Arguments.of(List.of("[::1]:5000"), "[::1]:5000/app", "u-[::1]:5000"),
        // path prefixes, at component boundaries, the longest wins
        Arguments.of(
            List.of("registry.local", "registry.local/team", "registry.local/team/sub"),
            "registry.local/team/app",
            "u-registry.local/team"),
        Arguments.of(
            List.of("registry.local/team", "registry.local"),
            "registry.local/teamwork/app",
            "u-registry.local"),
        Arguments.of(List.of("registry.local/team"), "registry.local/other/app", null),
        // wildcards match one whole label; an exact host wins over a wildcard
        Arguments.of(List.of("*.azurecr.io"), "acme.azurecr.io/app", "u-*.azurecr.io"),
        Arguments.of(List.of("*.azurecr.io"), "a.b.azurecr.io/app", null),
        Arguments.of(
            List.of("*.azurecr.io", "acme.azurecr.io"), "acme.azurecr.io/app", "u-acme.azurecr.io"),
        Arguments.of(
            List.of("*-registry.example.com"),
            "eu-registry.example.com/app",
            "u-*-registry.example.com"),
        // first written wins a tie
        Arguments.of(List.of("https://quay.io", "quay.io"), "quay.io/a/b", "u-https://quay.io"));
  }

  @ParameterizedTest
  @MethodSource("matches")
  void picksTheEntryForTheRepository(List<String> keys, String image, String expectedUser) {
    DockerConfig config = DockerConfig.parse(config(keys.toArray(String[]::new)), false, "test");
    assertThat(config.problems()).isEmpty();
    assertThat(config.credentialsFor(Repository.parse(image)).map(RegistryCredentials::username))
        .isEqualTo(java.util.Optional.ofNullable(expectedUser).map(u -> u.replace(':', '_')));
  }

  static Stream<Arguments> entries() {
    return Stream.of(
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}",
            "alice",
            "pa:ss",
            List.of()),
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"username\":\"bob\",\"password\":\"pw\",\"email\":\"b@x\"}}}",
            "bob",
            "pw",
            List.of()),
        // auth wins over username/password, as in the kubelet
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"username\":\"bob\",\"password\":\"pw\",\"auth\":\""
                + b64("carol:c")
                + "\"}}}",
            "carol",
            "c",
            List.of()),
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"auth\":\"%%%\"},\"ok.io\":{\"auth\":\"" + b64("d:d") + "\"}}}",
            null,
            null,
            List.of("test: auths[\"r.io\"].auth: not base64")),
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"auth\":\"" + b64("nocolon") + "\"}}}",
            null,
            null,
            List.of("test: auths[\"r.io\"].auth: not base64 of user:password (no ':')")),
        Arguments.of(
            "{\"auths\":{\"r.io\":{\"identitytoken\":\"t\"}}}",
            null,
            null,
            List.of(
                "test: auths[\"r.io\"]: no credentials (needs auth, or username and password;"
                    + " identitytoken is not supported)")),
        Arguments.of(
            "{\"auths\":{\"r.io\":\"x\", \"bad host\":{\"auth\":\"" + b64("e:e") + "\"}}}",
            null,
            null,
            List.of(
                "test: auths[\"r.io\"]: not an object",
                "test: auths[\"bad host\"]: the key is not a registry host or URL")),
        Arguments.of("{\"r.io\":{}}", null, null, List.of("test: has no \"auths\" object")),
        Arguments.of(
            "{\"auths\": ", null, null, List.of("test: not JSON: Unexpected end-of-input")),
        Arguments.of("[]", null, null, List.of("test: not a JSON object")));
  }

  @ParameterizedTest
  @MethodSource("entries")
  void readsEntriesAndCollectsEveryProblem(
      String json, String user, String password, List<String> problems) {
    DockerConfig config = DockerConfig.parse(json, false, "test");
    assertThat(config.problems()).hasSameSizeAs(problems);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(config.problems().get(i)).startsWith(problems.get(i));
    }
    var found = config.credentialsFor(Repository.parse("r.io/app"));
    assertThat(found.map(RegistryCredentials::username).orElse(null)).isEqualTo(user);
    assertThat(found.map(RegistryCredentials::password).orElse(null)).isEqualTo(password);
  }

  @org.junit.jupiter.api.Test
  void readsSecretsAsTheApiReturnsThem() throws Exception {
    ObjectNode modern =
        secret(
            "pull",
            "kubernetes.io/dockerconfigjson",
            DockerConfig.DOCKERCONFIGJSON,
            config("ghcr.io"));
    assertThat(DockerConfig.fromSecret(modern).credentialsFor(Repository.parse("ghcr.io/a/b")))
        .contains(new RegistryCredentials("u-ghcr.io", "p"));

    String legacyJson =
        "{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("old:school") + "\",\"email\":\"\"}}";
    ObjectNode legacy =
        secret("old", "kubernetes.io/dockercfg", DockerConfig.DOCKERCFG, legacyJson);
    assertThat(DockerConfig.fromSecret(legacy).credentialsFor(Repository.parse("nginx")))
        .contains(new RegistryCredentials("old", "school"));

    ObjectNode opaque = secret("tls", "Opaque", "tls.crt", "x");
    assertThat(DockerConfig.fromSecret(opaque).problems())
        .containsExactly("Secret apps/tls: has neither .dockerconfigjson nor .dockercfg data");

    ObjectNode broken =
        secret("broken", "kubernetes.io/dockerconfigjson", DockerConfig.DOCKERCONFIGJSON, "x");
    ((ObjectNode) broken.get("data")).put(DockerConfig.DOCKERCONFIGJSON, "not*base64");
    assertThat(DockerConfig.fromSecret(broken).problems())
        .singleElement()
        .asString()
        .startsWith("Secret apps/broken: data..dockerconfigjson is not base64");
  }

  @org.junit.jupiter.api.Test
  void neverShowsThePassword() {
    assertThat(new RegistryCredentials("alice", "s3cret").toString())
        .contains("alice")
        .doesNotContain("s3cret");
  }

  static ObjectNode secret(String name, String type, String key, String value) {
    ObjectNode secret =
        JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", type);
    secret.putObject("metadata").put("name", name).put("namespace", "apps");
    secret.putObject("data").put(key, b64(value));
    return secret;
  }
}
