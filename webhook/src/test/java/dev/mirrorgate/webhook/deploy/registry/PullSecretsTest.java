package dev.mirrorgate.webhook.deploy.registry;

import static dev.mirrorgate.webhook.deploy.registry.DockerConfigTest.secret;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullSecretsTest {
  private static final Repository GHCR = Repository.parse("ghcr.io/acme/shop");

  private static JsonNode pull(String name, String host, String user) {
    String auth =
        Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
    return secret(
        name,
        "kubernetes.io/dockerconfigjson",
        DockerConfig.DOCKERCONFIGJSON,
        "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
  }

  @Test
  void theAnnotatedSecretWinsThenTheWorkloadsThenTheServiceAccounts() {
    JsonNode annotated = pull("keel", "ghcr.io", "from-annotation");
    JsonNode workloadOther = pull("quay", "quay.io", "quay-user");
    JsonNode workload = pull("ghcr", "ghcr.io", "from-workload");
    JsonNode account = pull("sa", "ghcr.io", "from-sa");

    var all =
        PullSecrets.resolve(
            GHCR,
            new PullSecrets.Sources(
                List.of(annotated), List.of(workloadOther, workload), List.of(account)));
    assertThat(all.credentials().orElseThrow().username()).isEqualTo("from-annotation");
    assertThat(all.from()).isEqualTo("Secret apps/keel (keel.sh/imagePullSecret)");

    var noAnnotation =
        PullSecrets.resolve(
            GHCR,
            new PullSecrets.Sources(List.of(), List.of(workloadOther, workload), List.of(account)));
    assertThat(noAnnotation.credentials().orElseThrow().username()).isEqualTo("from-workload");
    assertThat(noAnnotation.from()).isEqualTo("Secret apps/ghcr (imagePullSecrets)");

    var onlyAccount =
        PullSecrets.resolve(
            GHCR, new PullSecrets.Sources(List.of(), List.of(workloadOther), List.of(account)));
    assertThat(onlyAccount.credentials().orElseThrow().username()).isEqualTo("from-sa");
    assertThat(onlyAccount.from()).isEqualTo("Secret apps/sa (ServiceAccount)");
  }

  @Test
  void noMatchingEntryIsAnonymousAndBadSecretsAreReported() {
    JsonNode broken = secret("broken", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", "{");
    var resolution =
        PullSecrets.resolve(
            GHCR,
            new PullSecrets.Sources(
                List.of(), List.of(broken, pull("quay", "quay.io", "q")), List.of()));
    assertThat(resolution.credentials()).isEmpty();
    assertThat(resolution.from()).isEqualTo("anonymous");
    assertThat(resolution.problems())
        .singleElement()
        .asString()
        .startsWith("Secret apps/broken: .dockerconfigjson: not JSON");
    assertThat(PullSecrets.resolve(GHCR, PullSecrets.Sources.NONE).from()).isEqualTo("anonymous");
  }
}
