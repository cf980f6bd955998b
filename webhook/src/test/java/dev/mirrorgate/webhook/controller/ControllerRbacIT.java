package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import dev.mirrorgate.webhook.registry.RegistrySources;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The controller run with the token of the shipped ServiceAccount and exactly the shipped RBAC
 * (manifests/kustomize/controller): it reconciles RegistryMirrors and Registries and leads through
 * its Lease, and the real authorizer refuses it what it does not need.
 */
class ControllerRbacIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Path RBAC = Path.of("..", "manifests", "kustomize", "controller");
  private static final Duration WAIT = Duration.ofSeconds(40);

  private final ControllerFixture fixture = new ControllerFixture(api);
  @TempDir Path dir;

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** The shipped ServiceAccount and RBAC, in namespace mirrorgate; returns its token. */
  private String shippedServiceAccount() throws Exception {
    KubeRest admin = fixture.rest();
    admin.apply(
        ApiResource.NAMESPACES,
        ControllerFixture.yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: mirrorgate}"));
    for (String file : List.of("serviceaccount.yaml", "rbac.yaml")) {
      for (ObjectNode object : ControllerFixture.documents(RBAC.resolve(file))) {
        admin.apply(ApiResource.forKind(object.path("kind").asText()), object);
      }
    }
    return new CoreV1Api(api.client())
        .createNamespacedServiceAccountToken(
            "mirrorgate-controller",
            "mirrorgate",
            new AuthenticationV1TokenRequest()
                .spec(new V1TokenRequestSpec().expirationSeconds(3600L)))
        .execute()
        .getStatus()
        .getToken();
  }

  private Path kubeconfig(String token) throws Exception {
    return Files.writeString(
        dir.resolve("controller.kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: test, cluster: {server: %s, certificate-authority-data: %s}}]
        users: [{name: controller, user: {token: %s}}]
        contexts: [{name: test, context: {cluster: test, user: controller}}]
        current-context: test
        """
            .formatted(api.url(), Base64.getEncoder().encodeToString(api.caBundlePem()), token));
  }

  @Test
  void theShippedRbacIsEnoughToReconcileAndLead() throws Exception {
    fixture.installCrds();
    String token = shippedServiceAccount();
    String team = api.createNamespace("team");
    fixture.startAs(kubeconfig(token), "mirrorgate");

    KubeRest admin = fixture.rest();
    admin.apply(
        MirrorSources.REGISTRY_MIRRORS,
        ControllerFixture.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: RegistryMirror
            metadata: {name: docker}
            spec: {upstream: docker.io}
            """));
    admin.apply(
        RegistrySources.REGISTRIES,
        ControllerFixture.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: Registry
            metadata: {name: apps, namespace: %s}
            spec: {nodeLocal: {port: 5000}}
            """
                .formatted(team)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      admin.get(ApiResource.STATEFUL_SETS, "mirrorgate", "registry-mirror-docker"))
                  .isPresent();
              assertThat(admin.get(ApiResource.DEPLOYMENTS, team, "registry-apps")).isPresent();
              KubeObject mirrors =
                  admin
                      .get(ApiResource.CONFIG_MAPS, "mirrorgate", "mirrorgate-mirrors")
                      .orElseThrow();
              assertThat(mirrors.node().at("/data/mirrors.yaml").asText())
                  .contains("name: docker", "name: registry-" + team + "-apps");
              KubeObject mirror =
                  admin.get(MirrorSources.REGISTRY_MIRRORS, null, "docker").orElseThrow();
              assertThat(mirror.node().at("/status/observedGeneration").asLong()).isEqualTo(1);
            });
    assertThat(
            admin
                .get(ApiResource.LEASES, "mirrorgate", "mirrorgate-controller")
                .orElseThrow()
                .node()
                .at("/spec/holderIdentity")
                .asText())
        .isNotEmpty();
  }

  @ParameterizedTest(name = "{0} {1} {2} in \"{3}\": refused")
  @CsvSource(
      textBlock =
          """
          list,   pods,                      '',                     ''
          get,    nodes,                     '',                     ''
          create, clusterrolebindings,       rbac.authorization.k8s.io, ''
          delete, customresourcedefinitions, apiextensions.k8s.io,   ''
          update, leases,                    coordination.k8s.io,    kube-system
          update, secrets,                   '',                     kube-system
          patch,  mutatingwebhookconfigurations, admissionregistration.k8s.io, ''
          """)
  void theRealAuthorizerRefusesWhatItDoesNotNeed(
      String verb, String resource, String group, String namespace) throws Exception {
    String token = shippedServiceAccount();
    ObjectNode review =
        ControllerFixture.yaml(
            """
            apiVersion: authorization.k8s.io/v1
            kind: SelfSubjectAccessReview
            spec:
              resourceAttributes: {verb: %s, resource: %s, group: "%s", namespace: "%s"}
            """
                .formatted(verb, resource, group, namespace));
    KubeObject answer =
        new KubeRest(api.clientFor(token, Duration.ofSeconds(30)), ControllerFixture.JSON)
            .create(ApiResource.SELF_SUBJECT_ACCESS_REVIEWS, review);
    assertThat(answer.node().at("/status/allowed").asBoolean()).isFalse();
  }
}
