package dev.mirrorgate.webhook.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RegistryMirror controller on a real API server: owned objects, certificate, status, Events,
 * the mirrors document, drift repair, bad references, deletion. (No controller-manager runs: the
 * StatefulSet's readiness is set by hand as its controller would set it.)
 */
class RegistryMirrorControllerIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ControllerFixture fixture = new ControllerFixture(api);
  private String ns;
  private ControllerApp controller;

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
  }

  @BeforeEach
  void startController() throws Exception {
    ns = api.createNamespace("mirrorgate");
    controller =
        fixture.start(
            ns,
            "--leader-elect-lease-duration=3s",
            "--leader-elect-renew-deadline=2s",
            "--leader-elect-retry-period=300ms");
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
    for (KubeObject mirror :
        rest().list(MirrorSources.REGISTRY_MIRRORS, ListQuery.all(), null).getItems()) {
      rest().delete(MirrorSources.REGISTRY_MIRRORS, null, mirror.name(), null);
    }
  }

  private KubeRest rest() {
    return fixture.rest();
  }

  private static ObjectNode mirror(String name, String specYaml) {
    return ControllerFixture.yaml(
        """
        apiVersion: mirrorgate.dev/v1alpha1
        kind: RegistryMirror
        metadata:
          name: %s
        spec:
        %s
        """
            .formatted(name, specYaml.indent(2)));
  }

  private Optional<KubeObject> get(ApiResource kind, String name) throws Exception {
    return rest().get(kind, ns, name);
  }

  private MirrorsDocument document() throws Exception {
    Optional<KubeObject> cm = get(ApiResource.CONFIG_MAPS, "mirrorgate-mirrors");
    if (cm.isEmpty()) {
      return MirrorsDocument.EMPTY;
    }
    return new MirrorsDocumentParser()
        .parse(cm.get().node().path("data").path("mirrors.yaml").asText());
  }

  private Optional<Mirror> entry(String name) throws Exception {
    return document().mirrors().stream().filter(m -> m.name().equals(name)).findFirst();
  }

  private JsonNode ready(String name) throws Exception {
    KubeObject cr = rest().get(MirrorSources.REGISTRY_MIRRORS, null, name).orElseThrow();
    for (JsonNode condition : cr.node().path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return ControllerFixture.JSON.missingNode();
  }

  private List<String> events(String name) throws Exception {
    List<String> reasons = new ArrayList<>();
    for (KubeObject event :
        rest()
            .list(
                ApiResource.EVENTS,
                ListQuery.in("default").withFields("involvedObject.name=" + name),
                null)
            .getItems()) {
      reasons.add(event.node().path("reason").asText());
    }
    return reasons;
  }

  @Test
  void aMirrorGetsItsProxyCertificateStatusAndMirrorsEntry() throws Exception {
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("docker", "upstream: docker.io"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                entry("docker").isPresent()
                    && get(ApiResource.STATEFUL_SETS, "registry-mirror-docker").isPresent());
    KubeObject service = get(ApiResource.SERVICES, "registry-mirror-docker").orElseThrow();
    String clusterIp = service.node().at("/spec/clusterIP").asText();
    assertThat(get(ApiResource.SERVICES, "registry-mirror-docker-headless")).isPresent();
    assertThat(get(ApiResource.CONFIG_MAPS, "registry-mirror-docker-config")).isPresent();
    KubeObject statefulSet = get(ApiResource.STATEFUL_SETS, "registry-mirror-docker").orElseThrow();
    assertThat(statefulSet.ownerName("RegistryMirror")).contains("docker");
    assertThat(statefulSet.labels())
        .containsEntry("app.kubernetes.io/managed-by", "mirrorgate")
        .containsEntry("app.kubernetes.io/part-of", "mirrorgate");

    Mirror entry = entry("docker").orElseThrow();
    KubeObject caSecret = get(ApiResource.SECRETS, "mirrorgate-ca").orElseThrow();
    String caPem = decode(caSecret.node().at("/data/ca.crt"));
    assertThat(entry.upstream()).isEqualTo("docker.io");
    assertThat(entry.endpoint()).hasToString("https://" + clusterIp + ":443");
    assertThat(entry.address()).contains(clusterIp);
    assertThat(entry.masquerade()).contains("mirror-docker.io");
    assertThat(entry.rewrite()).isFalse();
    assertThat(entry.caBundle()).isEqualTo(caPem);

    KubeObject tls = get(ApiResource.SECRETS, "registry-mirror-docker-tls").orElseThrow();
    IssuedCertificate leaf =
        IssuedCertificate.fromPem(
            decode(tls.node().at("/data/tls.crt")), decode(tls.node().at("/data/tls.key")));
    X509Certificate certificate = leaf.certificate();
    certificate.verify(dev.mirrorgate.certs.Pem.readCertificates(caPem).get(0).getPublicKey());
    assertThat(sans(certificate))
        .contains("registry-mirror-docker." + ns + ".svc", "mirror-docker.io", clusterIp);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              KubeObject cr =
                  rest().get(MirrorSources.REGISTRY_MIRRORS, null, "docker").orElseThrow();
              assertThat(cr.node().at("/status/address").asText()).isEqualTo(clusterIp);
              assertThat(cr.node().at("/status/observedGeneration").asLong()).isEqualTo(1);
              assertThat(ready("docker").path("reason").asText()).isEqualTo("ProxyNotReady");
            });
    // Events are written asynchronously (EventSink), after the status.
    await().atMost(WAIT).untilAsserted(() -> assertThat(events("docker")).contains("Created"));

    // The StatefulSet controller reports a ready replica: the mirror becomes Ready.
    ObjectNode status = ControllerFixture.JSON.createObjectNode();
    status.put("apiVersion", "apps/v1").put("kind", "StatefulSet");
    status.putObject("metadata").put("name", "registry-mirror-docker").put("namespace", ns);
    status.putObject("status").put("replicas", 1).put("readyReplicas", 1);
    new KubeRest(api.client(), ControllerFixture.JSON)
        .applyStatus(ApiResource.STATEFUL_SETS, status);
    await().atMost(WAIT).until(() -> "True".equals(ready("docker").path("status").asText()));
  }

  @Test
  void aBurstOfMirrorsIsWrittenOnceEachListedTogetherAndItsLastSpecsWin() throws Exception {
    int count = 12;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("burst-" + i);
      rest()
          .apply(
              MirrorSources.REGISTRY_MIRRORS,
              mirror("burst-" + i, "upstream: burst-" + i + ".example"));
    }
    await().atMost(WAIT).untilAsserted(() -> assertConverged(names, 1));
    String scrape = controller.metrics().scrape();
    assertThat(writes(scrape, "Service", "created")).isEqualTo(2 * count);
    assertThat(writes(scrape, "Secret", "created")).isEqualTo(count);
    assertThat(writes(scrape, "ConfigMap", "created")).isEqualTo(count);
    assertThat(writes(scrape, "StatefulSet", "created")).isEqualTo(count);
    assertThat(scrape)
        .as("no object written twice, none taken for a hand edit")
        .doesNotContain("action=\"updated\",controller=\"registrymirror\"")
        .doesNotContain("action=\"repaired\",controller=\"registrymirror\"");

    // Every spec changed at once, while those reconciles may still run: each last spec wins.
    for (String name : names) {
      rest()
          .apply(
              MirrorSources.REGISTRY_MIRRORS,
              mirror(name, "upstream: " + name + ".example\nreplicas: 2"));
    }
    await().atMost(WAIT).untilAsserted(() -> assertConverged(names, 2));
    assertThat(writes(controller.metrics().scrape(), "StatefulSet", "updated")).isEqualTo(count);
  }

  /** Every mirror listed, its StatefulSet at {@code replicas}, its status at that generation. */
  private void assertConverged(List<String> names, int replicas) throws Exception {
    assertThat(document().mirrors()).extracting(Mirror::name).containsAll(names);
    for (String name : names) {
      Optional<KubeObject> statefulSet = get(ApiResource.STATEFUL_SETS, "registry-mirror-" + name);
      assertThat(statefulSet).as(name).isPresent(); // an assertion: awaited, not thrown at once
      assertThat(statefulSet.get().node().at("/spec/replicas").asInt())
          .as(name)
          .isEqualTo(replicas);
      KubeObject cr = rest().get(MirrorSources.REGISTRY_MIRRORS, null, name).orElseThrow();
      assertThat(cr.node().at("/status/observedGeneration").asLong())
          .as(name)
          .isEqualTo(cr.generation());
    }
  }

  /** The registrymirror controller's writes of {@code kind} with {@code action}, from /metrics. */
  private static int writes(String scrape, String kind, String action) {
    return sum(
        scrape,
        "mirrorgate_controller_writes_total",
        "action=\"" + action + "\"",
        "controller=\"registrymirror\"",
        "kind=\"" + kind + "\"");
  }

  /** The sum of the series of counter {@code name} whose labels contain each of {@code labels}. */
  private static int sum(String scrape, String name, String... labels) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + "{"))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void handEditsAndDeletionsAreRepaired() throws Exception {
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("quay", "upstream: quay.io"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                entry("quay").isPresent()
                    && get(ApiResource.STATEFUL_SETS, "registry-mirror-quay").isPresent());
    String original =
        get(ApiResource.CONFIG_MAPS, "mirrorgate-mirrors")
            .orElseThrow()
            .node()
            .at("/data")
            .toString();

    // The ConfigMap edited by hand: restored within 2 s.
    ObjectNode edit = ControllerFixture.JSON.createObjectNode();
    edit.putObject("data").put("mirrors.yaml", "mirrors: []\n");
    rest().mergePatch(ApiResource.CONFIG_MAPS, ns, "mirrorgate-mirrors", edit);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                get(ApiResource.CONFIG_MAPS, "mirrorgate-mirrors")
                    .orElseThrow()
                    .node()
                    .at("/data")
                    .toString()
                    .equals(original));

    // ...and deleted: recreated.
    rest().delete(ApiResource.CONFIG_MAPS, ns, "mirrorgate-mirrors", null);
    await().atMost(Duration.ofSeconds(2)).until(() -> entry("quay").isPresent());

    // An owned StatefulSet deleted, a Service's port changed: both put back, with an Event.
    rest().delete(ApiResource.STATEFUL_SETS, ns, "registry-mirror-quay", null);
    ObjectNode ports = ControllerFixture.JSON.createObjectNode();
    ports
        .putObject("spec")
        .putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", 8443)
        .put("targetPort", 5000);
    rest().mergePatch(ApiResource.SERVICES, ns, "registry-mirror-quay", ports);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(ApiResource.STATEFUL_SETS, "registry-mirror-quay")).isPresent();
              assertThat(
                      get(ApiResource.SERVICES, "registry-mirror-quay")
                          .orElseThrow()
                          .node()
                          .at("/spec/ports/0/port")
                          .asInt())
                  .isEqualTo(443);
            });
    await().atMost(WAIT).until(() -> events("quay").contains("Repaired"));
  }

  @Test
  void aMissingCredentialsSecretIsReportedAndBreaksNoOtherMirror() throws Exception {
    rest()
        .apply(
            MirrorSources.REGISTRY_MIRRORS,
            mirror("hub", "upstream: docker.io\ncredentialsSecret: hub-creds"));
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("ghcr", "upstream: ghcr.io"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode condition = ready("hub");
              assertThat(condition.path("reason").asText()).isEqualTo("CredentialsInvalid");
              assertThat(condition.path("message").asText())
                  .contains("spec.credentialsSecret", "hub-creds");
            });
    await().atMost(WAIT).until(() -> entry("ghcr").isPresent());
    assertThat(get(ApiResource.STATEFUL_SETS, "registry-mirror-hub")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(events("hub")).contains("CredentialsInvalid"));

    // A Secret without "password": still refused, now naming the key.
    ObjectNode secret =
        ControllerFixture.yaml(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: hub-creds, namespace: %s}
            stringData: {username: robot}
            """
                .formatted(ns));
    rest().apply(ApiResource.SECRETS, secret);
    await().atMost(WAIT).until(() -> ready("hub").path("message").asText().contains("password"));

    // Fixed: the mirror is reconciled, the password reaches the proxy by secretKeyRef only.
    secret.with("stringData").put("password", "s3cret");
    rest().apply(ApiResource.SECRETS, secret);
    await()
        .atMost(WAIT)
        .until(() -> get(ApiResource.STATEFUL_SETS, "registry-mirror-hub").isPresent());
    String statefulSet =
        get(ApiResource.STATEFUL_SETS, "registry-mirror-hub").orElseThrow().node().toString();
    assertThat(statefulSet).contains("secretKeyRef", "hub-creds").doesNotContain("s3cret");
    String config =
        get(ApiResource.CONFIG_MAPS, "registry-mirror-hub-config").orElseThrow().node().toString();
    assertThat(config).doesNotContain("s3cret").doesNotContain("robot");
  }

  @Test
  void aSecondMirrorOfTheSameUpstreamAndAForeignStatefulSetAreReported() throws Exception {
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("first", "upstream: gcr.io"));
    await().atMost(WAIT).until(() -> entry("first").isPresent());
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("second", "upstream: gcr.io"));
    await()
        .atMost(WAIT)
        .until(() -> "UpstreamConflict".equals(ready("second").path("reason").asText()));
    assertThat(ready("second").path("message").asText()).contains("first", "gcr.io");
    assertThat(entry("second")).isEmpty();

    // mirror-operator's StatefulSet of the same name: its selector cannot change.
    rest()
        .apply(
            ApiResource.STATEFUL_SETS,
            ControllerFixture.yaml(
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: registry-mirror-taken, namespace: %s}
                spec:
                  serviceName: registry-mirror-taken-headless
                  selector: {matchLabels: {app: docker-registry, mirror: taken}}
                  template:
                    metadata: {labels: {app: docker-registry, mirror: taken}}
                    spec:
                      containers: [{name: nginx, image: nginx}]
                """
                    .formatted(ns)));
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("taken", "upstream: taken.example"));
    await()
        .atMost(WAIT)
        .until(() -> "ApplyRejected".equals(ready("taken").path("reason").asText()));
    assertThat(ready("taken").path("message").asText())
        .contains("StatefulSet " + ns + "/registry-mirror-taken", "delete it");
  }

  @Test
  void deletingTheMirrorRemovesItsObjectsAndItsEntry() throws Exception {
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("gone", "upstream: registry.k8s.io"));
    await().atMost(WAIT).until(() -> entry("gone").isPresent());

    rest().delete(MirrorSources.REGISTRY_MIRRORS, null, "gone", null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(entry("gone")).isEmpty();
              assertThat(get(ApiResource.STATEFUL_SETS, "registry-mirror-gone")).isEmpty();
              assertThat(get(ApiResource.SERVICES, "registry-mirror-gone")).isEmpty();
              assertThat(get(ApiResource.SERVICES, "registry-mirror-gone-headless")).isEmpty();
              assertThat(get(ApiResource.SECRETS, "registry-mirror-gone-tls")).isEmpty();
              assertThat(get(ApiResource.CONFIG_MAPS, "registry-mirror-gone-config")).isEmpty();
            });
    assertThat(get(ApiResource.SECRETS, "mirrorgate-ca")).as("the CA stays").isPresent();
  }

  @Test
  void aSecondReplicaWritesNothingUntilTheLeaderStops() throws Exception {
    ControllerApp second =
        fixture.start(
            ns,
            "--leader-elect-lease-duration=3s",
            "--leader-elect-renew-deadline=2s",
            "--leader-elect-retry-period=300ms");
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("one", "upstream: one.example"));
    await().atMost(WAIT).until(() -> entry("one").isPresent());
    assertThat(second.isLeader()).isFalse();
    assertThat(second.metrics().scrape())
        .as("the follower reconciled and wrote nothing")
        .doesNotContain("mirrorgate_controller_writes_total{")
        .doesNotContain("mirrorgate_controller_reconciles_total{");

    fixture.closeFirst();
    await().atMost(WAIT).until(second::isLeader);
    rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror("two", "upstream: two.example"));
    await().atMost(WAIT).until(() -> entry("two").isPresent());
  }

  @Test
  void aRestartedControllerFindsConvergedMirrorsAsTheyShouldBeAndWritesNothing() throws Exception {
    List<String> names = List.of("kept-0", "kept-1", "kept-2");
    for (String name : names) {
      rest().apply(MirrorSources.REGISTRY_MIRRORS, mirror(name, "upstream: " + name + ".example"));
    }
    await().atMost(WAIT).untilAsserted(() -> assertConverged(names, 1));
    fixture.closeFirst(); // releases the Lease, as a rolling update does

    // The new process fills its caches by lists, whose items carry no apiVersion or kind (a
    // watch event's do): it looks at every mirror and at the document once, and writes nothing.
    ControllerApp restarted =
        fixture.start(
            ns,
            "--leader-elect-lease-duration=3s",
            "--leader-elect-renew-deadline=2s",
            "--leader-elect-retry-period=300ms");
    await()
        .atMost(WAIT)
        .until(
            () ->
                reconciles(restarted.metrics().scrape(), "registrymirror") >= names.size()
                    && reconciles(restarted.metrics().scrape(), "mirrors-document") >= 1);
    assertThat(restarted.metrics().scrape())
        .as("a restart over converged mirrors writes nothing, repairs nothing")
        .doesNotContain("mirrorgate_controller_writes_total{");
  }

  /** Reconciles of {@code controller}, any result, from /metrics. */
  private static int reconciles(String scrape, String controller) {
    return sum(
        scrape, "mirrorgate_controller_reconciles_total", "controller=\"" + controller + "\"");
  }

  private static String decode(JsonNode value) {
    return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
  }

  private static List<String> sans(X509Certificate certificate) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> san : certificate.getSubjectAlternativeNames()) {
      names.add(String.valueOf(san.get(1)));
    }
    return names;
  }
}
