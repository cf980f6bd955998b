package dev.mirrorgate.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.RenewalPolicy;
import dev.mirrorgate.certs.store.CaBundleInjector;
import dev.mirrorgate.certs.store.CertificateProblem;
import dev.mirrorgate.certs.store.RotationPlanner;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.certs.store.SecretCertificateStore;
import dev.mirrorgate.certs.store.SecretFormat;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.TestWebhookConfigurations;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.mapping.FileMappingSource;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook instances taking their certificate from the Secret-backed store, called by a real API
 * server (failurePolicy Fail) through a MutatingWebhookConfiguration whose caBundle they inject.
 */
class SecretTlsAdmissionIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGINAL_IMAGES = "mirrorgate.dev/original-images";
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final LeafSpec LEAF =
      LeafSpec.server("localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(57));

  @TempDir Path dir;
  private final List<Instance> instances = new ArrayList<>();
  private final List<String> servingWithoutPublishedIssuer = new CopyOnWriteArrayList<>();
  private String namespace;
  private String configName;
  private Path mappingFile;
  private CoreV1Api core;
  private AdmissionregistrationV1Api admission;
  private ExecutorService load;

  @BeforeEach
  void setUp() throws Exception {
    core = new CoreV1Api(api.client());
    admission = new AdmissionregistrationV1Api(api.client());
    namespace = api.createNamespace("pki");
    configName = "mirrorgate-" + namespace;
    mappingFile = dir.resolve("mapping.yaml");
    Files.writeString(mappingFile, TestResources.text("mutation/mapping.yaml"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (load != null) {
      load.shutdownNow();
      load.awaitTermination(20, TimeUnit.SECONDS);
    }
    for (Instance instance : instances) {
      instance.close();
    }
    try {
      admission.deleteMutatingWebhookConfiguration(configName).execute();
    } catch (ApiException notCreated) {
      // the test failed before registering it
    }
  }

  @Test
  void twoInstancesStartingAtOnceShareOneCaAndTheApiServerAdmitsThroughThem() throws Exception {
    int port = freePort();
    registerWebhook(port);
    Clock clock = Clock.systemUTC();

    List<Instance> started =
        startConcurrently(List.of(port, 0), clock, RotationPlanner.Settings.defaults(LEAF));

    List<V1Secret> secrets =
        core.listNamespacedSecret(namespace).execute().getItems().stream()
            .filter(s -> SecretFormat.TYPE.equals(s.getType()))
            .toList();
    assertThat(secrets).hasSize(1);
    byte[] caPem = secrets.get(0).getData().get(SecretFormat.CA_CRT);
    CaBundle bundle = CaBundle.parse(new String(caPem, StandardCharsets.US_ASCII));
    assertThat(bundle.certificates()).hasSize(1);
    X509Certificate ca = bundle.certificates().get(0);
    for (Instance instance : started) {
      X509Certificate served = instance.source.current().certificate();
      served.verify(ca.getPublicKey());
      assertThat(new TrustingClient(ca, instance.server.port()).get("/healthz").statusCode())
          .as(
              "a TLS client trusting only the stored CA reaches instance on %d",
              instance.server.port())
          .isEqualTo(200);
    }
    assertThat(started.get(0).source.current().certificate())
        .isEqualTo(started.get(1).source.current().certificate());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> java.util.Arrays.equals(caBundleOfWebhook(), caPem));

    V1Pod pod = createPod("first");

    assertThat(pod.getMetadata().getAnnotations()).containsKey(ORIGINAL_IMAGES);
    assertThat(pod.getSpec().getContainers().get(0).getImage())
        .isEqualTo("m.local:5000/dockerhub/library/nginx:1.25");
  }

  @Test
  void aCaBundleEditedByHandIsRepaired() throws Exception {
    int port = freePort();
    registerWebhook(port);
    List<Instance> started =
        startConcurrently(
            List.of(port), Clock.systemUTC(), RotationPlanner.Settings.defaults(LEAF));
    await().atMost(Duration.ofSeconds(10)).until(() -> caBundleOfWebhook() != null);
    byte[] injected = caBundleOfWebhook();

    V1MutatingWebhookConfiguration edited =
        admission.readMutatingWebhookConfiguration(configName).execute();
    edited
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .setCaBundle(
            dev.mirrorgate.certs.CertificateAuthority.create(
                    "someone else", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC())
                .certificatePem()
                .getBytes(StandardCharsets.US_ASCII));
    admission.replaceMutatingWebhookConfiguration(configName, edited).execute();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> java.util.Arrays.equals(caBundleOfWebhook(), injected));
    assertThat(createPod("after-repair").getMetadata().getAnnotations())
        .containsKey(ORIGINAL_IMAGES);
    assertThat(started.get(0).source.current()).isNotNull();
  }

  /**
   * Clock: starts 50 days in the past and is moved forward by the test (never ahead of real time,
   * so the API server, which checks validity by real time, accepts every certificate issued). Leaf
   * renewal is due at day 38, CA renewal at day 40.
   */
  @Test
  void leafAndCaRotationUnderLoadFailNoAdmission() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(50)));
    RotationPlanner.Settings settings =
        new RotationPlanner.Settings(
            "mirrorgate test CA",
            Duration.ofDays(60),
            KeyAlgorithm.EC_P256,
            LEAF,
            RenewalPolicy.forLeaves(),
            RenewalPolicy.forAuthorities(1.0 / 3, Duration.ZERO),
            Duration.ofMinutes(1));
    int port = freePort();
    registerWebhook(port);
    List<Instance> started = startConcurrently(List.of(port, 0), clock, settings);
    Instance served = started.get(0);
    IssuedCertificate first = served.source.current();
    await().atMost(Duration.ofSeconds(10)).until(() -> caBundleOfWebhook() != null);

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger admitted = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    load = Executors.newFixedThreadPool(2);
    for (int worker = 0; worker < 2; worker++) {
      int w = worker;
      load.submit(
          () -> {
            for (int i = 0; running.get(); i++) {
              try {
                V1Pod pod = createPod("load-" + w + "-" + i);
                if (pod.getMetadata().getAnnotations() == null
                    || !pod.getMetadata().getAnnotations().containsKey(ORIGINAL_IMAGES)) {
                  failures.add(pod.getMetadata().getName() + ": not mutated");
                } else {
                  admitted.incrementAndGet();
                }
              } catch (ApiException e) {
                failures.add("HTTP " + e.getCode() + " " + e.getResponseBody());
              }
            }
            return null;
          });
    }
    awaitMoreAdmissions(admitted, 20);

    // leaf rotation
    clock.advance(Duration.ofDays(39));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !served.source.current().certificate().equals(first.certificate()));
    IssuedCertificate second = served.source.current();
    assertThat(second.chain().get(1)).isEqualTo(first.chain().get(1)); // same CA
    awaitMoreAdmissions(admitted, 20);
    int afterLeafRotation = admitted.get();

    // CA rotation: the new CA joins the bundle first ...
    clock.advance(Duration.ofDays(2));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                CaBundle.parse(new String(caBundleOfWebhook(), StandardCharsets.US_ASCII))
                        .certificates()
                        .size()
                    == 2);
    assertThat(served.source.current().certificate()).isEqualTo(second.certificate());
    awaitMoreAdmissions(admitted, 20);
    // ... and signs the served leaf only after the publish delay
    assertThat(served.source.current().certificate()).isEqualTo(second.certificate());
    clock.advance(Duration.ofMinutes(2));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !served.source.current().chain().get(1).equals(first.chain().get(1)));
    X509Certificate newCa = served.source.current().chain().get(1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> started.get(1).source.current().chain().get(1).equals(newCa));
    awaitMoreAdmissions(admitted, 30);
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    System.err.printf(
        "[SecretTlsAdmissionIT] admissions: %d total, %d after the leaf rotation, failures %d%n",
        admitted.get(), admitted.get() - afterLeafRotation, failures.size());
    assertThat(failures).isEmpty();
    assertThat(servingWithoutPublishedIssuer).isEmpty();
    assertThat(new TrustingClient(newCa, served.server.port()).get("/healthz").statusCode())
        .isEqualTo(200);
    assertThat(served.metrics.scrape())
        .contains("mirrorgate_certificate_expiry_seconds")
        .doesNotContain("mirrorgate_certificate_errors_total");
  }

  private void awaitMoreAdmissions(AtomicInteger admitted, int more) {
    int target = admitted.get() + more;
    await().atMost(Duration.ofSeconds(60)).until(() -> admitted.get() >= target);
  }

  private List<Instance> startConcurrently(
      List<Integer> ports, Clock clock, RotationPlanner.Settings settings) throws Exception {
    List<CompletableFuture<Instance>> starting = new ArrayList<>();
    for (int port : ports) {
      Instance instance = new Instance(port, clock, settings);
      instances.add(instance);
      starting.add(CompletableFuture.supplyAsync(() -> instance.start()));
    }
    List<Instance> started = new ArrayList<>();
    for (CompletableFuture<Instance> future : starting) {
      started.add(future.get(60, TimeUnit.SECONDS));
    }
    return started;
  }

  private V1Pod createPod(String name) throws ApiException {
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name(name))
            .spec(
                new V1PodSpec()
                    .containers(List.of(new V1Container().name("web").image("nginx:1.25"))));
    return core.createNamespacedPod(namespace, pod).execute();
  }

  private byte[] caBundleOfWebhook() throws ApiException {
    return admission
        .readMutatingWebhookConfiguration(configName)
        .execute()
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .getCaBundle();
  }

  private void registerWebhook(int port) throws ApiException {
    admission
        .createMutatingWebhookConfiguration(
            TestWebhookConfigurations.podCreatesIn(configName, namespace, port))
        .execute();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One webhook replica: its own Vert.x, server, metrics and certificate source. */
  private final class Instance {
    final Vertx vertx = Vertx.vertx();
    final WebhookMetrics metrics = new WebhookMetrics();
    final int port;
    final ServingCertificateListener listener;
    final SecretCertificateSource source;
    WebhookServer server;

    Instance(int port, Clock clock, RotationPlanner.Settings settings) {
      this.port = port;
      this.listener = new ServingCertificateListener(metrics, clock);
      var checking =
          new dev.mirrorgate.certs.store.CertificateListener() {
            @Override
            public void serving(IssuedCertificate certificate) {
              checkIssuerPublished(certificate);
              listener.serving(certificate);
            }

            @Override
            public void problem(CertificateProblem problem) {
              listener.problem(problem);
            }
          };
      this.source =
          new SecretCertificateSource(
              new SecretCertificateStore(api.client(), namespace, "mirrorgate-webhook-tls", clock),
              new CaBundleInjector(api.client(), configName),
              new RotationPlanner(settings, clock),
              checking,
              INTERVAL);
    }

    Instance start() {
      try {
        source.start();
        MappingHolder mappings = new MappingHolder();
        new FileMappingSource(
                vertx, mappingFile, new MappingLoader(Clock.systemUTC()), mappings, metrics)
            .start(Duration.ofSeconds(1));
        AdmissionService service =
            new AdmissionService(new AdmissionCodec(), new PodMutator(JSON), mappings, metrics);
        server =
            new WebhookServer(
                vertx, "127.0.0.1", port, listener.latest(), service, mappings, metrics);
        server.start(1).await(20, TimeUnit.SECONDS);
        listener.attach(server);
        await().atMost(Duration.ofSeconds(5)).until(mappings::isLoaded);
        return this;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    void close() throws Exception {
      source.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  /** Records a leaf served before the webhook configuration trusted its issuer. */
  private void checkIssuerPublished(IssuedCertificate certificate) {
    try {
      byte[] bundle = caBundleOfWebhook();
      if (bundle == null
          || !CaBundle.parse(new String(bundle, StandardCharsets.US_ASCII))
              .contains(certificate.chain().get(1))) {
        servingWithoutPublishedIssuer.add(certificate.toString());
      }
    } catch (Exception e) {
      servingWithoutPublishedIssuer.add(certificate + ": " + e);
    }
  }
}
