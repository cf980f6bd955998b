package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.Registries;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import dev.mirrorgate.webhook.owned.Htpasswd;
import dev.mirrorgate.webhook.tls.ClientTrust;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against Debian's {@code docker-registry}: anonymous over TLS from a test CA,
 * htpasswd (Basic) with credentials from a dockerconfigjson Secret written by {@code skopeo login},
 * token auth with a test token issuer, a plain-HTTP loopback registry; tags (bounded), digests of a
 * re-pushed tag, and the registry's own log showing HEADs and no manifest GET.
 */
class RegistryClientIT {
  private static final String USER = "alice";
  private static final String PASSWORD = "wonder land:1";

  @TempDir static Path dir;
  static RegistryFixture fixture;
  static TestTokenIssuer issuer;
  static int open;
  static int basic;
  static int token;

  @BeforeAll
  static void start() throws Exception {
    for (String binary : List.of("docker-registry", "skopeo")) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/bin", binary)),
          binary + " is not installed (bash .ci/install-deps)");
    }
    fixture = new RegistryFixture(dir);
    open = fixture.startTls("open", "");
    Path htpasswd = Files.writeString(dir.resolve("htpasswd"), Htpasswd.line(USER, PASSWORD));
    basic =
        fixture.startTls(
            "basic", "auth:\n  htpasswd: {realm: basic-realm, path: %s}\n".formatted(htpasswd));
    issuer = new TestTokenIssuer(fixture.ca.loopback(), USER, PASSWORD, 300);
    token = fixture.startTls("token", issuer.registryAuth(fixture.caFile));
  }

  @AfterAll
  static void stop() {
    if (issuer != null) {
      issuer.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private static Repository repo(int port, String path) {
    return new Repository("127.0.0.1:" + port, path);
  }

  @Test
  void anonymousOverTlsListsTagsAndResolvesDigestsByHeadOnly() throws Exception {
    String d1 = fixture.push(open, "apps/shop", "1.0.0", "one", null);
    String d2 = fixture.push(open, "apps/shop", "1.1.0", "two", null);
    fixture.push(open, "apps/shop", "1.2.0", "one", null);
    fixture.push(open, "apps/shop", "2.0.0", "two", null);
    fixture.push(open, "apps/shop", "latest", "two", null);
    Repository shop = repo(open, "apps/shop");

    int logBefore = fixture.procs.log("open").length();
    try (RegistryClient client =
        fixture.client(RegistryClient.Options.DEFAULT.withTagsPageSize(2))) {
      TagList all = client.tags(shop, Optional.empty());
      // distribution 2.8 lists a filesystem's tags in directory order, and all at once: it
      // ignores n (tags pagination came with distribution 3; RegistryFaultsIT pages a stub)
      assertThat(all.tags())
          .containsExactlyInAnyOrder("1.0.0", "1.1.0", "1.2.0", "2.0.0", "latest");
      assertThat(all.truncated()).isFalse();
      assertThat(fixture.requests("tags", "ok")).isGreaterThanOrEqualTo(1);

      ManifestDigest one = client.digest(shop, "1.0.0", Optional.empty());
      assertThat(one.digest()).isEqualTo(d1);
      assertThat(one.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
      assertThat(one.fetched()).isFalse();
      assertThat(client.digest(shop, "latest", Optional.empty()).digest()).isEqualTo(d2);

      // a re-pushed tag points at the new digest
      fixture.push(open, "apps/shop", "1.0.0", "three", null);
      String d3 = client.digest(shop, "1.0.0", Optional.empty()).digest();
      assertThat(d3).isNotIn(d1, d2).startsWith("sha256:");

      assertThatThrownBy(() -> client.digest(shop, "9.9.9", Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.NOT_FOUND);
                assertThat(e.error().message()).contains("manifest 9.9.9: 404");
              });
      assertThatThrownBy(() -> client.tags(repo(open, "apps/none"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.error().kind()).isEqualTo(Kind.NOT_FOUND));

      // a bound on the listing: the first tags, marked truncated
      try (RegistryClient bounded =
          fixture.client(RegistryClient.Options.DEFAULT.withTagsPageSize(2).withMaxTags(3, 100))) {
        TagList some = bounded.tags(shop, Optional.empty());
        assertThat(some.tags()).containsExactlyElementsOf(all.tags().subList(0, 3));
        assertThat(some.truncated()).isTrue();
      }
    }

    // The registry's own log: every request mirrorgate made, manifest HEADs and no manifest GET.
    String log = fixture.procs.log("open").substring(logBefore);
    assertThat(requests(log))
        .containsExactly(
            "GET /v2/apps/shop/tags/list?n=2",
            "HEAD /v2/apps/shop/manifests/1.0.0",
            "HEAD /v2/apps/shop/manifests/latest",
            "HEAD /v2/apps/shop/manifests/1.0.0",
            "HEAD /v2/apps/shop/manifests/9.9.9",
            "GET /v2/apps/none/tags/list?n=2",
            "GET /v2/apps/shop/tags/list?n=2");
  }

  /**
   * The requests mirrorgate made as the registry logged them ("METHOD URI"), from its "response
   * completed" lines with mirrorgate's User-Agent (skopeo's pushes are left out).
   */
  private static List<String> requests(String log) {
    Pattern method = Pattern.compile("http\\.request\\.method=(\\w+)");
    Pattern uri = Pattern.compile("http\\.request\\.uri=(\"[^\"]*\"|\\S+)");
    Pattern agent = Pattern.compile("http\\.request\\.useragent=\"?mirrorgate[\" ]");
    return log.lines()
        .filter(l -> l.contains("response completed") && agent.matcher(l).find())
        .map(
            l -> {
              Matcher m = method.matcher(l);
              Matcher u = uri.matcher(l);
              return (m.find() ? m.group(1) : "?")
                  + " "
                  + (u.find() ? u.group(1).replace("\"", "") : "?");
            })
        .toList();
  }

  @Test
  void aRegistryWhoseCaIsNotTrustedFailsAsTls() throws Exception {
    fixture.push(open, "apps/trust", "1", "one", null);
    try (RegistryClient untrusting =
        new RegistryClient(
            new RegistryHosts(List.of()),
            ClientTrust.of(List.of()),
            new RegistryThrottle(
                RegistryThrottle.Limit.DEFAULT, Duration.ofSeconds(5), Clock.systemUTC()),
            new RegistryMetrics(fixture.meters),
            Clock.systemUTC(),
            RegistryClient.Options.DEFAULT)) {
      // 127.0.0.1 may be reached over plain HTTP, so that is tried too; the TLS registry refuses
      // it, and the TLS failure is what is reported
      assertThatThrownBy(() -> untrusting.tags(repo(open, "apps/trust"), Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.TLS);
                assertThat(e.error().message())
                    .contains("127.0.0.1:" + open, "TLS failed", "certification path");
              });
    }
  }

  @Test
  void basicAuthWithCredentialsFromADockerConfigJsonSecret() throws Exception {
    String digest = fixture.push(basic, "team/app", "v1", "basic", USER + ":" + PASSWORD);
    // skopeo login checks the credentials and writes a real Docker config file
    Path authFile = dir.resolve("auth.json");
    fixture.procs.ok(
        List.of(
            "skopeo",
            "login",
            "--authfile",
            authFile.toString(),
            "--cert-dir",
            fixture.certDir.toString(),
            "-u",
            USER,
            "-p",
            PASSWORD,
            "127.0.0.1:" + basic));
    ObjectNode secret = secret("pull", Files.readString(authFile));
    Repository app = repo(basic, "team/app");
    PullSecrets.Resolution resolution =
        PullSecrets.resolve(app, new PullSecrets.Sources(List.of(), List.of(secret), List.of()));
    assertThat(resolution.problems()).isEmpty();
    assertThat(resolution.from()).isEqualTo("Secret apps/pull (imagePullSecrets)");
    Optional<RegistryCredentials> credentials = resolution.credentials();
    assertThat(credentials).contains(new RegistryCredentials(USER, PASSWORD));

    try (RegistryClient client = fixture.client(RegistryClient.Options.DEFAULT)) {
      assertThat(client.tags(app, credentials).tags()).containsExactly("v1");
      assertThat(client.digest(app, "v1", credentials).digest()).isEqualTo(digest);

      assertThatThrownBy(() -> client.tags(app, Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.UNAUTHORIZED);
                assertThat(e.error().message()).contains("anonymous");
              });
      assertThatThrownBy(
              () -> client.tags(app, Optional.of(new RegistryCredentials(USER, "wrong"))))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.UNAUTHORIZED);
                assertThat(e.error().message()).contains(USER).doesNotContain("wrong");
              });
    }
  }

  @Test
  void bearerTokensFromTheChallengesRealmAreCachedUntilTheyExpire() throws Exception {
    String digest = fixture.push(token, "team/app", "v1", "token", USER + ":" + PASSWORD);
    fixture.push(token, "team/app", "v2", "token two", USER + ":" + PASSWORD);
    Repository app = repo(token, "team/app");
    Optional<RegistryCredentials> credentials =
        Optional.of(new RegistryCredentials(USER, PASSWORD));
    try (RegistryClient client = fixture.client(RegistryClient.Options.DEFAULT)) {
      int before = issuer.requests().size();
      assertThat(client.tags(app, credentials).tags()).containsExactly("v1", "v2");
      assertThat(client.digest(app, "v1", credentials).digest()).isEqualTo(digest);
      assertThat(client.digest(app, "v2", credentials).digest()).startsWith("sha256:");
      // one token for the three requests: the challenge is remembered and the token reused
      assertThat(issuer.requests().subList(before, issuer.requests().size()))
          .containsExactly(USER + " repository:team/app:pull");

      // anonymous: the issuer refuses, then (when it allows anonymous pulls) grants
      assertThatThrownBy(() -> client.tags(app, Optional.empty()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.error().kind()).isEqualTo(Kind.UNAUTHORIZED);
                assertThat(e.error().message()).contains("token server", "anonymous access");
              });
      issuer.anonymousPulls(true);
      try {
        assertThat(client.tags(app, Optional.empty()).tags()).containsExactly("v1", "v2");
      } finally {
        issuer.anonymousPulls(false);
      }
      assertThatThrownBy(
              () -> client.tags(app, Optional.of(new RegistryCredentials(USER, "wrong"))))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e ->
                  assertThat(e.error().message())
                      .contains("refused the credentials of " + USER)
                      .doesNotContain("wrong"));
    }
    assertThat(fixture.requests("token", "ok")).isGreaterThanOrEqualTo(2);
    assertThat(fixture.requests("token", "unauthorized")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aPlainHttpRegistryOnLoopbackIsReachedOverHttp() throws Exception {
    int plain = Registries.startPlain(fixture.procs, dir, "plain");
    String digest = fixture.pushPlain(plain, "apps/plain", "v1", "plain");
    try (RegistryClient client = fixture.client(RegistryClient.Options.DEFAULT)) {
      Repository app = repo(plain, "apps/plain");
      assertThat(client.tags(app, Optional.empty()).tags()).containsExactly("v1");
      assertThat(client.digest(app, "v1", Optional.empty()).digest()).isEqualTo(digest);
    }
  }

  static ObjectNode secret(String name, String dockerConfigJson) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode secret =
        json.createObjectNode()
            .put("apiVersion", "v1")
            .put("kind", "Secret")
            .put("type", "kubernetes.io/dockerconfigjson");
    secret.putObject("metadata").put("name", name).put("namespace", "apps");
    secret
        .putObject("data")
        .put(
            ".dockerconfigjson",
            Base64.getEncoder().encodeToString(dockerConfigJson.getBytes(StandardCharsets.UTF_8)));
    return secret;
  }
}
