package dev.mirrorgate.webhook.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.kube.EventRecorder;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import dev.mirrorgate.webhook.server.AdmissionService;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The mapping from a ConfigMap, watched on a real API server. */
class ConfigMapMappingSourceIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] POD_CREATE =
      TestResources.text("reviews/pod-create.json").getBytes(StandardCharsets.UTF_8);
  private static final String NAME = "mirrorgate-mapping";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(10);

  /**
   * What the webhook's ServiceAccount needs, verified below against the real authorizer. The list
   * and watch are allowed through resourceNames only because they carry the field selector
   * metadata.name=NAME.
   */
  static final List<V1PolicyRule> WEBHOOK_RULES =
      List.of(
          new V1PolicyRule()
              .apiGroups(List.of(""))
              .resources(List.of("configmaps"))
              .resourceNames(List.of(NAME))
              .verbs(List.of("get", "list", "watch")),
          new V1PolicyRule()
              .apiGroups(List.of(""))
              .resources(List.of("events"))
              .verbs(List.of("create")));

  private final List<ConfigMapMappingSource> started = new ArrayList<>();
  private CoreV1Api core;
  private String namespace;
  private MappingHolder holder;
  private WebhookMetrics metrics;
  private AdmissionService admission;

  @BeforeEach
  void setUp() {
    core = new CoreV1Api(api.client());
    namespace = api.createNamespace("mapping");
    holder = new MappingHolder();
    metrics = new WebhookMetrics();
    admission = new AdmissionService(new AdmissionCodec(), new PodMutator(JSON), holder, metrics);
  }

  @AfterEach
  void stopSources() {
    started.forEach(ConfigMapMappingSource::stop);
  }

  private ConfigMapMappingSource start(ApiClient watches, ApiClient requests) {
    ConfigMapMappingSource source =
        new ConfigMapMappingSource(
            new KubeRest(watches, new ObjectMapper()),
            new ConfigMapRef(namespace, NAME),
            new MappingLoader(Clock.systemUTC()),
            holder,
            metrics,
            new EventRecorder(
                new KubeRest(requests, new ObjectMapper()),
                "mirrorgate-webhook",
                "test",
                Clock.systemUTC()));
    started.add(source);
    source.start();
    return source;
  }

  private ConfigMapMappingSource startAsAdmin() {
    return start(api.clientFor(api.token(), Duration.ZERO), api.client());
  }

  private static String mappingTo(String target) {
    return "mirrors:\n  - source: docker.io\n    target: " + target + "\n";
  }

  private void put(String key, String value) throws ApiException {
    V1ConfigMap configMap =
        new V1ConfigMap()
            .metadata(new V1ObjectMeta().name(NAME).namespace(namespace))
            .data(Map.of(key, value));
    try {
      core.replaceNamespacedConfigMap(NAME, namespace, configMap).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      core.createNamespacedConfigMap(namespace, configMap).execute();
    }
  }

  /** The images a Pod CREATE would be given now, through the admission service. */
  private List<String> admittedImages() throws Exception {
    JsonNode response = JSON.readTree(admission.handle(POD_CREATE).body()).path("response");
    if (!response.has("patch")) {
      return List.of();
    }
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    return patch.findValuesAsText("value");
  }

  private void awaitAdmitted(String image) {
    await()
        .atMost(WAIT)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(admittedImages()).contains(image));
  }

  private List<CoreV1Event> rejections() throws ApiException {
    return core.listNamespacedEvent(namespace).execute().getItems().stream()
        .filter(e -> ConfigMapMappingSource.REJECTED_REASON.equals(e.getReason()))
        .toList();
  }

  @Test
  void loadsEditsAndKeepsTheLastGoodMappingWhenAnEditIsInvalid() throws Exception {
    startAsAdmin();
    await().atMost(WAIT).until(() -> started.get(0).hasSynced());
    assertThat(holder.isLoaded()).as("no ConfigMap yet: not ready").isFalse();

    put("mapping.yaml", mappingTo("first.example:5000/hub"));
    awaitAdmitted("first.example:5000/hub/library/nginx:1.27.2-alpine");

    put("mapping.yaml", mappingTo("second.example:5000/hub"));
    awaitAdmitted("second.example:5000/hub/library/nginx:1.27.2-alpine");

    put("mapping.yaml", "mirrors:\n  - source: docker.io\n  - target: x.example\n");
    await().atMost(WAIT).pollInterval(POLL).until(() -> !rejections().isEmpty());
    CoreV1Event event = rejections().get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
    assertThat(event.getInvolvedObject().getName()).isEqualTo(NAME);
    assertThat(event.getInvolvedObject().getUid())
        .isEqualTo(core.readNamespacedConfigMap(NAME, namespace).execute().getMetadata().getUid());
    assertThat(event.getMessage())
        .contains("configmap " + namespace + "/" + NAME + "/mapping.yaml")
        .contains("mirrors[0]")
        .contains("mirrors[1]");
    assertThat(metrics.scrape())
        .contains("mirrorgate_mapping_reloads_total{result=\"invalid\",source=\"configmap\"} 1.0")
        .contains("mirrorgate_mapping_reloads_total{result=\"loaded\",source=\"configmap\"} 2.0");
    assertThat(admittedImages())
        .as("the last good mapping keeps serving")
        .contains("second.example:5000/hub/library/nginx:1.27.2-alpine");

    put("maps", "default::\ndocker.io::maps.example:5000/hub\n");
    awaitAdmitted("maps.example:5000/hub/library/nginx:1.27.2-alpine");
  }

  @Test
  void keepsServingWhileTheConfigMapIsDeletedAndLoadsItWhenRecreated() throws Exception {
    put("mapping.yaml", mappingTo("before.example:5000/hub"));
    startAsAdmin();
    awaitAdmitted("before.example:5000/hub/library/nginx:1.27.2-alpine");

    core.deleteNamespacedConfigMap(NAME, namespace).execute();
    // Once the deletion is observed, a recreation with different content must be picked up; until
    // then and after, the last good mapping serves.
    assertThat(admittedImages()).contains("before.example:5000/hub/library/nginx:1.27.2-alpine");
    put("mapping.yaml", mappingTo("after.example:5000/hub"));

    awaitAdmitted("after.example:5000/hub/library/nginx:1.27.2-alpine");
  }

  @Test
  void survivesAnApiServerRestart() throws Exception {
    put("mapping.yaml", mappingTo("before.example:5000/hub"));
    startAsAdmin();
    awaitAdmitted("before.example:5000/hub/library/nginx:1.27.2-alpine");

    api.restartApiServer();
    assertThat(admittedImages()).contains("before.example:5000/hub/library/nginx:1.27.2-alpine");
    put("mapping.yaml", mappingTo("after.example:5000/hub"));

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(admittedImages())
                    .contains("after.example:5000/hub/library/nginx:1.27.2-alpine"));
  }

  @Test
  void aWatchThatExpiresWith410GoneIsFollowedByARelistAndLaterEditsArrive() throws Exception {
    put("mapping.yaml", mappingTo("before.example:5000/hub"));
    ApiClient direct = api.clientFor(api.token(), Duration.ZERO);
    try (ExpiringWatchProxy proxy = new ExpiringWatchProxy(direct.getHttpClient(), api.url())) {
      ApiClient throughProxy =
          new ClientBuilder()
              .setBasePath(proxy.url())
              .setAuthentication(new AccessTokenAuthentication(api.token()))
              .setReadTimeout(Duration.ZERO)
              .build();
      start(throughProxy, api.client());
      awaitAdmitted("before.example:5000/hub/library/nginx:1.27.2-alpine");
      await().atMost(WAIT).until(() -> proxy.openWatches() == 1);
      int listsBefore = proxy.lists();

      proxy.expireWatches();

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(proxy.expired()).as("watches answered 410 Gone").isEqualTo(1);
                assertThat(proxy.lists()).as("relisted").isGreaterThan(listsBefore);
                assertThat(proxy.openWatches()).as("watching again").isEqualTo(1);
              });
      put("mapping.yaml", mappingTo("after.example:5000/hub"));
      awaitAdmitted("after.example:5000/hub/library/nginx:1.27.2-alpine");
    } finally {
      stopSources();
      started.clear();
    }
  }

  @Test
  void aServiceAccountWithOnlyTheDocumentedRoleCanRunTheSourceAndNothingMore() throws Exception {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(api.client());
    core.createNamespacedServiceAccount(
            namespace, new V1ServiceAccount().metadata(new V1ObjectMeta().name("webhook")))
        .execute();
    rbac.createNamespacedRole(
            namespace,
            new V1Role()
                .metadata(new V1ObjectMeta().name("mirrorgate-webhook"))
                .rules(WEBHOOK_RULES))
        .execute();
    rbac.createNamespacedRoleBinding(
            namespace,
            new V1RoleBinding()
                .metadata(new V1ObjectMeta().name("mirrorgate-webhook"))
                .roleRef(
                    new V1RoleRef()
                        .apiGroup("rbac.authorization.k8s.io")
                        .kind("Role")
                        .name("mirrorgate-webhook"))
                .subjects(
                    List.of(
                        new RbacV1Subject()
                            .kind("ServiceAccount")
                            .name("webhook")
                            .namespace(namespace))))
        .execute();
    String token =
        core.createNamespacedServiceAccountToken(
                "webhook",
                namespace,
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().audiences(List.of()).expirationSeconds(3600L)))
            .execute()
            .getStatus()
            .getToken();
    core.createNamespacedConfigMap(
            namespace,
            new V1ConfigMap().metadata(new V1ObjectMeta().name("other")).data(Map.of("k", "v")))
        .execute();
    put("mapping.yaml", mappingTo("rbac.example:5000/hub"));

    start(api.clientFor(token, Duration.ZERO), api.clientFor(token, Duration.ofSeconds(30)));
    awaitAdmitted("rbac.example:5000/hub/library/nginx:1.27.2-alpine");
    put("mapping.yaml", "mirrors: [ {source: docker.io} ]\n");
    await().atMost(WAIT).pollInterval(POLL).until(() -> !rejections().isEmpty());

    CoreV1Api asWebhook = new CoreV1Api(api.clientFor(token, Duration.ofSeconds(30)));
    assertThat(asWebhook.readNamespacedConfigMap(NAME, namespace).execute().getData())
        .containsKey("mapping.yaml");
    assertThat(
            asWebhook
                .listNamespacedConfigMap(namespace)
                .fieldSelector("metadata.name=" + NAME)
                .execute()
                .getItems())
        .hasSize(1);
    assertForbidden(() -> asWebhook.listNamespacedConfigMap(namespace).execute());
    assertForbidden(
        () ->
            asWebhook
                .listNamespacedConfigMap(namespace)
                .fieldSelector("metadata.name=other")
                .execute());
    assertForbidden(() -> asWebhook.readNamespacedConfigMap("other", namespace).execute());
    assertForbidden(() -> asWebhook.listConfigMapForAllNamespaces().execute());
    assertForbidden(
        () ->
            asWebhook
                .replaceNamespacedConfigMap(
                    NAME,
                    namespace,
                    new V1ConfigMap().metadata(new V1ObjectMeta().name(NAME)).data(Map.of()))
                .execute());
    assertForbidden(() -> asWebhook.listNamespacedEvent(namespace).execute());
  }

  @Test
  void withoutTheRoleTheSourceLogsTheRefusalAndStaysUnready() throws Exception {
    core.createNamespacedServiceAccount(
            namespace, new V1ServiceAccount().metadata(new V1ObjectMeta().name("no-role")))
        .execute();
    String token =
        core.createNamespacedServiceAccountToken(
                "no-role",
                namespace,
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().audiences(List.of()).expirationSeconds(3600L)))
            .execute()
            .getStatus()
            .getToken();
    put("mapping.yaml", mappingTo("never.example:5000/hub"));
    Logger informerLog = (Logger) LoggerFactory.getLogger(Informer.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    informerLog.addAppender(captured);
    try {
      start(api.clientFor(token, Duration.ZERO), api.client());

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(captured.list)
                      .extracting(ILoggingEvent::getFormattedMessage)
                      .anySatisfy(
                          line ->
                              assertThat(line)
                                  .contains(
                                      "list/watch of configmaps ("
                                          + namespace
                                          + " fields metadata.name="
                                          + NAME
                                          + ")")
                                  .contains("403")));
      assertThat(holder.isLoaded()).isFalse();
    } finally {
      informerLog.detachAppender(captured);
    }
  }

  private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(403));
  }

  @Test
  void anEditIsInForceForNewAdmissionsWithinTwoSeconds() throws Exception {
    put("mapping.yaml", mappingTo("edit0.example:5000/hub"));
    startAsAdmin();
    awaitAdmitted("edit0.example:5000/hub/library/nginx:1.27.2-alpine");

    List<Long> millis = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      long before = System.nanoTime();
      put("mapping.yaml", mappingTo("edit" + i + ".example:5000/hub"));
      awaitAdmitted("edit" + i + ".example:5000/hub/library/nginx:1.27.2-alpine");
      millis.add((System.nanoTime() - before) / 1_000_000);
    }

    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    long p50 = sorted.get(sorted.size() / 2 - 1);
    long max = sorted.get(sorted.size() - 1);
    System.err.printf(
        "[ConfigMapMappingSourceIT] edit to effect over 10 edits (ms): p50 %d, max %d, all %s%n",
        p50, max, millis);
    assertThat(max).as("edit to effect, ms: %s", millis).isLessThanOrEqualTo(2000);
  }
}
