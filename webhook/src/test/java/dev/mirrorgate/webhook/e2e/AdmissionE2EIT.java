package dev.mirrorgate.webhook.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonParser;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.kube.EventRecorder;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.mapping.ConfigMapMappingSource;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import dev.mirrorgate.webhook.server.AdmissionService;
import dev.mirrorgate.webhook.server.WebhookServer;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1EphemeralContainer;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.CreateOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook end to end: a real kube-apiserver calls the real webhook server (in this JVM, TLS
 * from a test CA, the mapping from a ConfigMap) for Pods created through the API.
 */
class AdmissionE2EIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MAPPING = "mirrorgate-mapping";
  private static final String CONFIGURATION = "mirrorgate";
  private static final String WEBHOOK = "pods.mirrorgate.dev";
  private static final String ORIGINAL_IMAGES = "mirrorgate.dev/original-images";
  private static final String SIDECAR_LABEL = "e2e.mirrorgate.dev/sidecar";
  private static final String DEFAULT_MAPPING =
      """
      mirrors:
        - source: docker.io
          target: m.local:5000/dockerhub
        - source: ghcr.io/acme
          target: localhost:5000/acme
      exclude:
        - quay.io/private
      """;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(50);

  private static CertificateAuthority ca;
  private static Vertx vertx;
  private static ConfigMapMappingSource mappingSource;
  private static SidecarWebhook sidecar;
  private static String webhookNamespace;
  private static String webhookUrl;
  private static CoreV1Api core;
  private static WebhookMetrics metrics;
  private static AdmissionregistrationV1Api registrations;

  @BeforeAll
  static void startTheWebhookAndRegisterIt() throws Exception {
    core = new CoreV1Api(api.client());
    registrations = new AdmissionregistrationV1Api(api.client());
    ca =
        CertificateAuthority.create(
            "mirrorgate e2e CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
    webhookNamespace = api.createNamespace("mirrorgate-system");
    core.createNamespacedConfigMap(
            webhookNamespace,
            new V1ConfigMap()
                .metadata(new V1ObjectMeta().name(MAPPING))
                .data(Map.of("mapping.yaml", DEFAULT_MAPPING)))
        .execute();

    vertx = Vertx.vertx();
    metrics = new WebhookMetrics();
    MappingHolder mappings = new MappingHolder();
    mappingSource =
        new ConfigMapMappingSource(
            new KubeRest(api.clientFor(api.token(), Duration.ZERO), new ObjectMapper()),
            new ConfigMapRef(webhookNamespace, MAPPING),
            new MappingLoader(Clock.systemUTC()),
            mappings,
            metrics,
            new EventRecorder(
                new KubeRest(api.client(), new ObjectMapper()),
                "mirrorgate-webhook",
                "e2e",
                Clock.systemUTC()));
    mappingSource.start();
    IssuedCertificate leaf = servingCertificate();
    WebhookServer server =
        new WebhookServer(
            vertx,
            "127.0.0.1",
            0,
            TlsMaterial.fromPem(
                Buffer.buffer(leaf.certificateChainPem()), Buffer.buffer(leaf.privateKeyPem())),
            new AdmissionService(new AdmissionCodec(), new PodMutator(JSON), mappings, metrics),
            mappings,
            metrics);
    server.start(2).await(20, TimeUnit.SECONDS);
    webhookUrl = "https://127.0.0.1:" + server.port() + "/mutate";
    await().atMost(WAIT).until(mappings::isLoaded);

    sidecar = new SidecarWebhook(servingCertificate());
    registrations.createMutatingWebhookConfiguration(sidecarConfiguration()).execute();
    register(webhookUrl, "Fail");
    awaitWebhookInForce("m.local:5000/dockerhub/library/nginx:1.27");
  }

  @AfterAll
  static void stopTheWebhook() throws Exception {
    if (mappingSource != null) {
      mappingSource.stop();
    }
    if (sidecar != null) {
      sidecar.close();
    }
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static IssuedCertificate servingCertificate() {
    return ca.issue(
        LeafSpec.server(
            "localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(2)));
  }

  // ---- the webhook configurations, as the manifests will have them ----

  private static V1MutatingWebhookConfiguration mirrorgateConfiguration(
      String url, String failurePolicy) {
    return new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(CONFIGURATION))
        .webhooks(
            List.of(
                new V1MutatingWebhook()
                    .name(WEBHOOK)
                    .clientConfig(
                        new AdmissionregistrationV1WebhookClientConfig()
                            .url(url)
                            .caBundle(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                    .rules(
                        List.of(
                            podRule(List.of("CREATE", "UPDATE"), "pods"),
                            podRule(List.of("UPDATE"), "pods/ephemeralcontainers")))
                    .admissionReviewVersions(List.of("v1"))
                    .sideEffects("None")
                    .failurePolicy(failurePolicy)
                    .timeoutSeconds(2)
                    .reinvocationPolicy("IfNeeded")
                    .namespaceSelector(
                        new V1LabelSelector()
                            .matchExpressions(
                                List.of(
                                    new V1LabelSelectorRequirement()
                                        .key("mirrorgate.dev/rewrite")
                                        .operator("NotIn")
                                        .values(List.of("false")),
                                    new V1LabelSelectorRequirement()
                                        .key("kubernetes.io/metadata.name")
                                        .operator("NotIn")
                                        .values(List.of(webhookNamespace, "kube-system")))))));
  }

  private static V1RuleWithOperations podRule(List<String> operations, String resource) {
    return new V1RuleWithOperations()
        .apiGroups(List.of(""))
        .apiVersions(List.of("v1"))
        .operations(operations)
        .resources(List.of(resource))
        .scope("Namespaced");
  }

  /** Sorted after "mirrorgate", so the API server calls it second. */
  private static V1MutatingWebhookConfiguration sidecarConfiguration() {
    return new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name("zz-sidecar-injector"))
        .webhooks(
            List.of(
                new V1MutatingWebhook()
                    .name("sidecar.e2e.mirrorgate.dev")
                    .clientConfig(
                        new AdmissionregistrationV1WebhookClientConfig()
                            .url(sidecar.url())
                            .caBundle(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                    .rules(List.of(podRule(List.of("CREATE"), "pods")))
                    .admissionReviewVersions(List.of("v1"))
                    .sideEffects("None")
                    .failurePolicy("Fail")
                    .timeoutSeconds(2)
                    .reinvocationPolicy("Never")
                    .namespaceSelector(
                        new V1LabelSelector().matchLabels(Map.of(SIDECAR_LABEL, "true")))));
  }

  /** Creates or replaces mirrorgate's configuration. */
  private static void register(String url, String failurePolicy) throws ApiException {
    V1MutatingWebhookConfiguration wanted = mirrorgateConfiguration(url, failurePolicy);
    try {
      V1MutatingWebhookConfiguration current =
          registrations.readMutatingWebhookConfiguration(CONFIGURATION).execute();
      wanted.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      registrations.replaceMutatingWebhookConfiguration(CONFIGURATION, wanted).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      registrations.createMutatingWebhookConfiguration(wanted).execute();
    }
  }

  /** The API server picks configuration changes up asynchronously: wait until nginx maps so. */
  private static void awaitWebhookInForce(String expectedNginx) {
    String namespace = api.createNamespace("probe");
    await()
        .atMost(WAIT)
        .pollInterval(POLL)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(images(createPod(namespace, "probe", true, Map.of("app", "nginx:1.27"))))
                    .containsEntry("app", expectedNginx));
  }

  // ---- Pods ----

  /**
   * Creates a Pod from JSON, as kubectl would. The typed V1Pod is not used for this: it serializes
   * its empty collections, and an empty {@code overhead} makes the RuntimeClass admission plugin
   * reject every Pod that no webhook happened to patch.
   */
  private static V1Pod createPod(
      String namespace, String name, boolean dryRun, Map<String, String> containers)
      throws Exception {
    ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name).put("namespace", namespace);
    ArrayNode list = pod.putObject("spec").putArray("containers");
    containers.forEach(
        (container, image) -> list.addObject().put("name", container).put("image", image));
    return createPod(namespace, pod, dryRun);
  }

  private static V1Pod createPod(String namespace, ObjectNode pod, boolean dryRun)
      throws Exception {
    DynamicKubernetesApi pods = new DynamicKubernetesApi("", "v1", "pods", api.client());
    CreateOptions options = new CreateOptions();
    if (dryRun) {
      options.dryRun("All");
    }
    KubernetesApiResponse<DynamicKubernetesObject> response =
        pods.create(
            namespace,
            new DynamicKubernetesObject(JsonParser.parseString(pod.toString()).getAsJsonObject()),
            options);
    if (!response.isSuccess()) {
      throw new ApiException(
          response.getHttpStatusCode(),
          response.getStatus() == null ? "no status" : response.getStatus().getMessage());
    }
    return api.client()
        .getJSON()
        .deserialize(response.getObject().getRaw().toString(), V1Pod.class);
  }

  private static Map<String, String> images(V1Pod pod) {
    Map<String, String> images = new LinkedHashMap<>();
    pod.getSpec().getContainers().forEach(c -> images.put(c.getName(), c.getImage()));
    if (pod.getSpec().getInitContainers() != null) {
      pod.getSpec()
          .getInitContainers()
          .forEach(c -> images.put("init:" + c.getName(), c.getImage()));
    }
    if (pod.getSpec().getEphemeralContainers() != null) {
      pod.getSpec()
          .getEphemeralContainers()
          .forEach(c -> images.put("ephemeral:" + c.getName(), c.getImage()));
    }
    return images;
  }

  private static Map<String, String> originalImages(V1Pod pod) throws Exception {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(ORIGINAL_IMAGES)) {
      return Map.of();
    }
    return JSON.readValue(
        annotations.get(ORIGINAL_IMAGES),
        JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }

  private static V1Pod read(String namespace, String name) throws ApiException {
    return core.readNamespacedPod(name, namespace).execute();
  }

  // ---- the tests ----

  @Test
  void podsCreatedThroughTheApiHaveTheirImagesRewrittenAndTheOriginalsRecorded() throws Exception {
    String namespace = api.createNamespace("rewrite");
    String digest = "sha256:" + "a".repeat(64);
    ObjectNode pod =
        (ObjectNode)
            JSON.readTree(
                """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "shop"},
                 "spec": {
                   "initContainers": [{"name": "migrate", "image": "ghcr.io/acme/migrate:v3"}],
                   "containers": [
                     {"name": "web", "image": "nginx:1.27"},
                     {"name": "app", "image": "ghcr.io/acme/shop:v2@%s"},
                     {"name": "secret", "image": "quay.io/private/tool:1"},
                     {"name": "pause", "image": "registry.k8s.io/pause:3.10"}]}}
                """
                    .formatted(digest));

    createPod(namespace, pod, false);

    V1Pod stored = read(namespace, "shop");
    assertThat(images(stored))
        .containsExactly(
            Map.entry("web", "m.local:5000/dockerhub/library/nginx:1.27"),
            Map.entry("app", "localhost:5000/acme/shop:v2@" + digest),
            Map.entry("secret", "quay.io/private/tool:1"),
            Map.entry("pause", "registry.k8s.io/pause:3.10"),
            Map.entry("init:migrate", "localhost:5000/acme/migrate:v3"));
    assertThat(originalImages(stored))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "web", "nginx:1.27",
                "app", "ghcr.io/acme/shop:v2@" + digest,
                "migrate", "ghcr.io/acme/migrate:v3"));
  }

  @Test
  void aServerSideDryRunIsMutatedAndNothingIsPersisted() throws Exception {
    String namespace = api.createNamespace("dry-run");

    V1Pod answered = createPod(namespace, "dry", true, Map.of("app", "nginx:1.27"));

    assertThat(images(answered)).containsEntry("app", "m.local:5000/dockerhub/library/nginx:1.27");
    assertThat(originalImages(answered)).containsEntry("app", "nginx:1.27");
    assertThatThrownBy(() -> read(namespace, "dry"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void anEphemeralContainerAddedThroughItsSubresourceIsRewritten() throws Exception {
    String namespace = api.createNamespace("ephemeral");
    createPod(namespace, "target", false, Map.of("app", "nginx:1.27"));
    V1Pod pod = read(namespace, "target");
    pod.getSpec()
        .setEphemeralContainers(
            List.of(
                new V1EphemeralContainer()
                    .name("debugger")
                    .image("busybox:1.36")
                    .targetContainerName("app")));

    core.replaceNamespacedPodEphemeralcontainers("target", namespace, pod).execute();

    assertThat(images(read(namespace, "target")))
        .containsEntry("ephemeral:debugger", "m.local:5000/dockerhub/library/busybox:1.36")
        .containsEntry("app", "m.local:5000/dockerhub/library/nginx:1.27");
  }

  @Test
  void podsInOptedOutNamespacesAndInTheWebhooksOwnNamespaceAreUntouched() throws Exception {
    String optedOut = api.createNamespace("opted-out", Map.of("mirrorgate.dev/rewrite", "false"));

    createPod(optedOut, "kept", false, Map.of("app", "nginx:1.27"));
    createPod(webhookNamespace, "own", false, Map.of("app", "nginx:1.27"));

    for (V1Pod pod : List.of(read(optedOut, "kept"), read(webhookNamespace, "own"))) {
      assertThat(images(pod)).containsExactly(Map.entry("app", "nginx:1.27"));
      assertThat(originalImages(pod)).isEmpty();
    }
  }

  @Test
  void aSidecarAddedByAnotherWebhookIsRewrittenOnReinvocationWithoutDoublePrefixes()
      throws Exception {
    String namespace = api.createNamespace("mesh", Map.of(SIDECAR_LABEL, "true"));
    int sidecarCalls = sidecar.calls();
    double patchedBefore = patchedCreates();

    createPod(namespace, "meshed", false, Map.of("app", "nginx:1.27"));

    V1Pod stored = read(namespace, "meshed");
    assertThat(sidecar.calls()).as("the sidecar injector ran").isGreaterThan(sidecarCalls);
    assertThat(patchedCreates() - patchedBefore)
        .as("mirrorgate patched twice: first the app, then, reinvoked, the sidecar")
        .isEqualTo(2.0);
    assertThat(images(stored))
        .containsExactly(
            Map.entry("app", "m.local:5000/dockerhub/library/nginx:1.27"),
            Map.entry("sidecar", "m.local:5000/dockerhub/library/busybox:1.36"));
    assertThat(originalImages(stored))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("app", "nginx:1.27", "sidecar", SidecarWebhook.IMAGE));
  }

  private static double patchedCreates() {
    String line = "mirrorgate_admission_requests_total{operation=\"CREATE\",outcome=\"patched\"} ";
    return metrics
        .scrape()
        .lines()
        .filter(l -> l.startsWith(line))
        .mapToDouble(l -> Double.parseDouble(l.substring(line.length())))
        .sum();
  }

  @Test
  void aMappingEditTakesEffectAndAnInvalidOneIsKeptOut() throws Exception {
    String namespace = api.createNamespace("live");
    try {
      putMapping(DEFAULT_MAPPING.replace("m.local:5000/dockerhub", "live.example:5000/hub"));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .untilAsserted(
              () ->
                  assertThat(images(createPod(namespace, "p", true, Map.of("app", "nginx:1.27"))))
                      .containsEntry("app", "live.example:5000/hub/library/nginx:1.27"));

      putMapping("mirrors:\n  - source: docker.io\n    target: Not A Host\n");
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () ->
                  core.listNamespacedEvent(webhookNamespace).execute().getItems().stream()
                      .anyMatch(
                          e ->
                              "MappingRejected".equals(e.getReason())
                                  && MAPPING.equals(e.getInvolvedObject().getName())
                                  && e.getMessage().contains("Not A Host")));
      createPod(namespace, "after-invalid", false, Map.of("app", "nginx:1.27"));
      assertThat(images(read(namespace, "after-invalid")))
          .as("the last good mapping keeps serving")
          .containsEntry("app", "live.example:5000/hub/library/nginx:1.27");
    } finally {
      putMapping(DEFAULT_MAPPING);
      awaitWebhookInForce("m.local:5000/dockerhub/library/nginx:1.27");
    }
  }

  private static void putMapping(String mappingYaml) throws ApiException {
    V1ConfigMap current = core.readNamespacedConfigMap(MAPPING, webhookNamespace).execute();
    current.setData(Map.of("mapping.yaml", mappingYaml));
    core.replaceNamespacedConfigMap(MAPPING, webhookNamespace, current).execute();
  }

  @Test
  void withTheWebhookDownFailPolicyRejectsClearlyAndIgnorePolicyAdmitsUnchanged() throws Exception {
    String namespace = api.createNamespace("down");
    String deadUrl = "https://127.0.0.1:" + closedPort() + "/mutate";
    try {
      register(deadUrl, "Fail");
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () -> createPod(namespace, "refused", false, Map.of("app", "nginx:1.27")))
                      .isInstanceOfSatisfying(
                          ApiException.class,
                          e ->
                              assertThat(e.getMessage())
                                  .contains("failed calling webhook \"" + WEBHOOK + "\"")
                                  .contains(deadUrl.replace("/mutate", ""))
                                  .contains("connection refused")));
      assertThatThrownBy(() -> read(namespace, "refused"))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));

      register(deadUrl, "Ignore");
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> createPod(namespace, "admitted", false, Map.of("app", "nginx:1.27")) != null);
      V1Pod admitted = read(namespace, "admitted");
      assertThat(images(admitted)).containsExactly(Map.entry("app", "nginx:1.27"));
      assertThat(originalImages(admitted)).isEmpty();
    } finally {
      register(webhookUrl, "Fail");
      awaitWebhookInForce("m.local:5000/dockerhub/library/nginx:1.27");
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
