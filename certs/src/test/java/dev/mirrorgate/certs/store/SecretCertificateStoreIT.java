package dev.mirrorgate.certs.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.certs.Fingerprints;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.MutableClock;
import dev.mirrorgate.certs.store.CertificateProblem.Reason;
import dev.mirrorgate.certs.store.SecretCertificateStore.Written;
import dev.mirrorgate.common.testing.KubeApiServer;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store, the injector and the source against a real API server. */
class SecretCertificateStoreIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final String SECRET = "mirrorgate-webhook-tls";
  private static final LeafSpec LEAF =
      LeafSpec.server("w", List.of("w.ns.svc"), List.of("127.0.0.1"), Duration.ofDays(30));

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<CertificateProblem> problems = new CopyOnWriteArrayList<>();
  private final List<IssuedCertificate> served = new CopyOnWriteArrayList<>();
  private String namespace;
  private CoreV1Api core;

  @BeforeEach
  void setUp() {
    namespace = api.createNamespace("store");
    core = new CoreV1Api(api.client());
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private SecretCertificateStore store(Clock clock) {
    return new SecretCertificateStore(api.client(), namespace, SECRET, clock);
  }

  private static RotationPlanner planner(Clock clock) {
    return new RotationPlanner(RotationPlanner.Settings.defaults(LEAF), clock);
  }

  @Test
  void concurrentCreatesConvergeOnOneCa() throws Exception {
    int replicas = 4;
    CyclicBarrier atOnce = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    toClose.add(pool::shutdownNow);
    List<Future<Written>> results = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      ServingCertificates mine = planner(Clock.systemUTC()).initial();
      results.add(
          pool.submit(
              () -> {
                atOnce.await(10, TimeUnit.SECONDS);
                return store(Clock.systemUTC()).create(mine);
              }));
    }
    List<Written> written = new ArrayList<>();
    for (Future<Written> result : results) {
      written.add(result.get(30, TimeUnit.SECONDS));
    }

    assertThat(written).filteredOn(Written::won).hasSize(1);
    assertThat(written)
        .extracting(w -> Fingerprints.sha256(w.stored().value().signer().certificate()))
        .containsOnly(
            Fingerprints.sha256(
                store(Clock.systemUTC()).read().orElseThrow().value().signer().certificate()));
  }

  @Test
  void aStaleUpdateConflictsAndAdoptsWhatIsStored() throws Exception {
    SecretCertificateStore store = store(Clock.systemUTC());
    Written created = store.create(planner(Clock.systemUTC()).initial());
    String readVersion = created.stored().resourceVersion();

    Written first = store.replace(planner(Clock.systemUTC()).initial(), readVersion);
    Written second = store.replace(planner(Clock.systemUTC()).initial(), readVersion);

    assertThat(first.won()).isTrue();
    assertThat(second.won()).isFalse();
    assertThat(second.stored().value().signer().certificate())
        .isEqualTo(first.stored().value().signer().certificate());
    assertThat(second.stored().resourceVersion()).isEqualTo(first.stored().resourceVersion());
  }

  @Test
  void aMismatchedKeyInTheSecretIsReportedAndTheLeafReissued() throws Exception {
    String config = registerWebhook();
    SecretCertificateStore store = store(Clock.systemUTC());
    store.create(planner(Clock.systemUTC()).initial());
    V1Secret secret = core.readNamespacedSecret(SECRET, namespace).execute();
    secret
        .getData()
        .put("tls.key", SecretFormat.data(planner(Clock.systemUTC()).initial()).get("tls.key"));
    core.replaceNamespacedSecret(SECRET, namespace, secret).execute();

    SecretCertificateSource source = source(Clock.systemUTC(), config);
    source.start();

    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.reason()).isEqualTo(Reason.MISMATCH);
              assertThat(p.message())
                  .contains("Secret " + namespace + "/" + SECRET, "tls.key", "does not belong");
            });
    SecretFormat.Decoded repaired = store.read().orElseThrow().decoded();
    assertThat(repaired.problems()).isEmpty();
    assertThat(repaired.value().serving().certificate()).isEqualTo(source.current().certificate());
    assertThat(source.healthy()).isTrue();
  }

  @Test
  void anExpiredLeafIsReportedAndReissued() throws Exception {
    String config = registerWebhook();
    MutableClock clock = new MutableClock(Instant.now());
    store(clock).create(planner(clock).initial());
    IssuedCertificate old = store(clock).read().orElseThrow().value().serving();
    clock.advance(Duration.ofDays(31));

    SecretCertificateSource source = source(clock, config);
    source.start();

    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.reason()).isEqualTo(Reason.EXPIRED);
              assertThat(p.message()).contains("tls.crt expired at");
            });
    assertThat(source.current().certificate()).isNotEqualTo(old.certificate());
    assertThat(source.current().certificate().getNotAfter().toInstant()).isAfter(clock.instant());
  }

  @Test
  void withoutItsWebhookConfigurationTheSourceStillServesAndSaysWhy() throws Exception {
    SecretCertificateSource source = source(Clock.systemUTC(), "no-such-configuration");

    source.start();

    assertThat(source.current()).isNotNull();
    assertThat(served).hasSize(1);
    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.reason()).isEqualTo(Reason.API);
              assertThat(p.message()).contains("no-such-configuration", "HTTP 404");
            });
  }

  @Test
  void theBundleIsInjectedIntoEveryWebhookAndOnlyTheCaBundleFieldsChange() throws Exception {
    String config = registerWebhook();
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(api.client());
    V1MutatingWebhookConfiguration before =
        admission.readMutatingWebhookConfiguration(config).execute();

    SecretCertificateSource source = source(Clock.systemUTC(), config);
    source.start();

    V1MutatingWebhookConfiguration after =
        admission.readMutatingWebhookConfiguration(config).execute();
    byte[] bundle =
        store(Clock.systemUTC())
            .read()
            .orElseThrow()
            .value()
            .trusted()
            .pem()
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(after.getWebhooks())
        .hasSize(2)
        .allSatisfy(
            w -> assertThat(Arrays.equals(w.getClientConfig().getCaBundle(), bundle)).isTrue());
    for (int i = 0; i < 2; i++) {
      after.getWebhooks().get(i).getClientConfig().setCaBundle(null);
    }
    assertThat(after.getWebhooks()).isEqualTo(before.getWebhooks());
  }

  private SecretCertificateSource source(Clock clock, String config) {
    SecretCertificateSource source =
        new SecretCertificateSource(
            store(clock),
            new CaBundleInjector(api.client(), config),
            planner(clock),
            new CertificateListener() {
              @Override
              public void serving(IssuedCertificate certificate) {
                served.add(certificate);
              }

              @Override
              public void problem(CertificateProblem problem) {
                problems.add(problem);
              }
            },
            Duration.ofMillis(200));
    toClose.add(source);
    return source;
  }

  /** A configuration with two webhooks, pointing nowhere (nothing calls it in these tests). */
  private String registerWebhook() throws Exception {
    String name = "store-" + namespace;
    List<V1MutatingWebhook> webhooks = new ArrayList<>();
    for (String hook : List.of("a.mirrorgate.dev", "b.mirrorgate.dev")) {
      webhooks.add(
          new V1MutatingWebhook()
              .name(hook)
              .admissionReviewVersions(List.of("v1"))
              .sideEffects("None")
              .clientConfig(
                  new AdmissionregistrationV1WebhookClientConfig()
                      .url("https://127.0.0.1:1/" + hook)));
    }
    new AdmissionregistrationV1Api(api.client())
        .createMutatingWebhookConfiguration(
            new V1MutatingWebhookConfiguration()
                .metadata(new V1ObjectMeta().name(name))
                .webhooks(webhooks))
        .execute();
    toClose.add(
        () ->
            new AdmissionregistrationV1Api(api.client())
                .deleteMutatingWebhookConfiguration(name)
                .execute());
    return name;
  }
}
