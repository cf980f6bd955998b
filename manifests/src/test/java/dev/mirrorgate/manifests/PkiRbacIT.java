package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.store.CaBundleInjector;
import dev.mirrorgate.certs.store.CertificateListener;
import dev.mirrorgate.certs.store.CertificateProblem;
import dev.mirrorgate.certs.store.RotationPlanner;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.certs.store.SecretCertificateStore;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.manifests.Manifests.Manifest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.Yaml;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook's PKI run with the token of the shipped ServiceAccount and exactly the shipped RBAC:
 * it can create, read and update its Secret and inject the caBundle, and nothing else.
 */
class PkiRbacIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NAMESPACE = "mirrorgate";
  private static final String SECRET = "mirrorgate-webhook-tls";

  @Test
  void theShippedRbacIsEnoughForThePkiAndNoMore() throws Exception {
    List<Manifest> base = Manifests.objects(Manifests.BASE);
    for (String kind :
        List.of(
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ClusterRole",
            "ClusterRoleBinding",
            "MutatingWebhookConfiguration")) {
      create(Manifests.only(base, kind));
    }
    String configName = Manifests.only(base, "MutatingWebhookConfiguration").name();
    ApiClient webhook = api.clientFor(serviceAccountToken(), Duration.ofSeconds(30));
    List<CertificateProblem> problems = new CopyOnWriteArrayList<>();
    LeafSpec leaf =
        LeafSpec.server(
            "mirrorgate-webhook.mirrorgate.svc",
            List.of("mirrorgate-webhook.mirrorgate.svc"),
            List.of(),
            Duration.ofDays(90));
    RotationPlanner planner =
        new RotationPlanner(RotationPlanner.Settings.defaults(leaf), Clock.systemUTC());
    SecretCertificateStore store =
        new SecretCertificateStore(webhook, NAMESPACE, SECRET, Clock.systemUTC());

    try (SecretCertificateSource source =
        new SecretCertificateSource(
            store,
            new CaBundleInjector(webhook, configName),
            planner,
            new CertificateListener() {
              @Override
              public void serving(IssuedCertificate certificate) {}

              @Override
              public void problem(CertificateProblem problem) {
                problems.add(problem);
              }
            },
            Duration.ofMillis(200))) {
      source.start();
      assertThat(problems).isEmpty();
      assertThat(source.current()).isNotNull();
    }
    byte[] injected =
        new AdmissionregistrationV1Api(api.client())
            .readMutatingWebhookConfiguration(configName)
            .execute()
            .getWebhooks()
            .get(0)
            .getClientConfig()
            .getCaBundle();
    var stored = store.read().orElseThrow();
    assertThat(new String(injected, StandardCharsets.US_ASCII))
        .isEqualTo(stored.value().trusted().pem());
    assertThat(store.replace(planner.initial(), stored.resourceVersion()).won()).isTrue();

    CoreV1Api asWebhook = new CoreV1Api(webhook);
    new CoreV1Api(api.client())
        .createNamespacedSecret(
            NAMESPACE, new V1Secret().metadata(new V1ObjectMeta().name("someone-elses")))
        .execute();
    assertForbidden(() -> asWebhook.readNamespacedSecret("someone-elses", NAMESPACE).execute());
    assertForbidden(() -> asWebhook.listNamespacedSecret(NAMESPACE).execute());
    assertForbidden(() -> asWebhook.deleteNamespacedSecret(SECRET, NAMESPACE).execute());
    assertForbidden(() -> asWebhook.readNamespacedSecret(SECRET, "default").execute());
    assertForbidden(
        () ->
            new AdmissionregistrationV1Api(webhook)
                .deleteMutatingWebhookConfiguration(configName)
                .execute());
    assertForbidden(
        () -> new AdmissionregistrationV1Api(webhook).listMutatingWebhookConfiguration().execute());
  }

  private static void assertForbidden(ThrowingCall call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(403));
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  private String serviceAccountToken() throws ApiException {
    return new CoreV1Api(api.client())
        .createNamespacedServiceAccountToken(
            "mirrorgate-webhook",
            NAMESPACE,
            new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().audiences(List.of())))
        .execute()
        .getStatus()
        .getToken();
  }

  private void create(Manifest manifest) throws Exception {
    Object object = Yaml.load(YAML.writeValueAsString(manifest.object()));
    ApiClient admin = api.client();
    CoreV1Api core = new CoreV1Api(admin);
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(admin);
    switch (object) {
      case V1Namespace ns -> core.createNamespace(ns).execute();
      case V1ServiceAccount sa -> core.createNamespacedServiceAccount(NAMESPACE, sa).execute();
      case V1Role role -> rbac.createNamespacedRole(NAMESPACE, role).execute();
      case V1RoleBinding binding -> rbac.createNamespacedRoleBinding(NAMESPACE, binding).execute();
      case V1ClusterRole role -> rbac.createClusterRole(role).execute();
      case V1ClusterRoleBinding binding -> rbac.createClusterRoleBinding(binding).execute();
      case V1MutatingWebhookConfiguration config ->
          new AdmissionregistrationV1Api(admin)
              .createMutatingWebhookConfiguration(config)
              .execute();
      default -> throw new AssertionError("unexpected " + manifest);
    }
  }
}
