package dev.mirrorgate.webhook;

import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import java.util.List;
import java.util.Map;

/** Webhook configurations tests register with a real API server. */
public final class TestWebhookConfigurations {
  private TestWebhookConfigurations() {}

  /**
   * {@code name}: mirrorgate on 127.0.0.1:{@code port} for Pod CREATE in {@code namespace} only,
   * with {@code failurePolicy: Fail} so that any failed admission shows, and no caBundle (the
   * webhook's own PKI injects it).
   */
  public static V1MutatingWebhookConfiguration podCreatesIn(
      String name, String namespace, int port) {
    return new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(name))
        .webhooks(
            List.of(
                new V1MutatingWebhook()
                    .name("pods.mirrorgate.dev")
                    .admissionReviewVersions(List.of("v1"))
                    .clientConfig(
                        new AdmissionregistrationV1WebhookClientConfig()
                            .url("https://127.0.0.1:" + port + "/mutate"))
                    .rules(
                        List.of(
                            new V1RuleWithOperations()
                                .apiGroups(List.of(""))
                                .apiVersions(List.of("v1"))
                                .operations(List.of("CREATE"))
                                .resources(List.of("pods"))))
                    .failurePolicy("Fail")
                    .sideEffects("None")
                    .timeoutSeconds(5)
                    .namespaceSelector(
                        new V1LabelSelector()
                            .matchLabels(Map.of("kubernetes.io/metadata.name", namespace)))));
  }
}
