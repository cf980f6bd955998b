package dev.mirrorgate.webhook.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.ui.auth.AccessCheck;
import dev.mirrorgate.webhook.ui.auth.Authenticator;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import dev.mirrorgate.webhook.ui.auth.LoginThrottle;
import dev.mirrorgate.webhook.ui.auth.PasswordUsers;
import dev.mirrorgate.webhook.ui.auth.Sessions;
import dev.mirrorgate.webhook.ui.auth.TokenCheck;
import dev.mirrorgate.webhook.ui.data.ChangeFeed;
import dev.mirrorgate.webhook.ui.data.DecisionLog;
import dev.mirrorgate.webhook.ui.data.ImageUpdateIndex;
import dev.mirrorgate.webhook.ui.data.MappingExplainer;
import dev.mirrorgate.webhook.ui.data.MirrorView;
import dev.mirrorgate.webhook.ui.data.RegistryView;
import dev.mirrorgate.webhook.ui.data.Simulator;
import dev.mirrorgate.webhook.ui.data.TrackedWorkloads;
import dev.mirrorgate.webhook.ui.data.UiData;
import dev.mirrorgate.webhook.ui.data.Votes;
import dev.mirrorgate.webhook.ui.web.UiServer;
import dev.mirrorgate.webhook.ui.web.WebUi;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The UI port with its data from in-memory fakes (no API server: votes go to an address where
 * nothing listens, so they fail as with an unreachable API server), on a loopback port, for HTTP
 * table tests. The real components are tested against a real API server in the other ITs.
 */
public final class FakeUi implements AutoCloseable {
  public final List<KubeObject> imageUpdates = new CopyOnWriteArrayList<>();
  public final AtomicReference<Optional<String>> apiProblem =
      new AtomicReference<>(Optional.empty());
  public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  public final ImageUpdateIndex updates = new ImageUpdateIndex(() -> imageUpdates);
  public final MappingExplainer mapping = new MappingExplainer();
  public final ChangeFeed changes = new ChangeFeed();
  private final Vertx vertx = Vertx.vertx();
  private final TlsMaterial tls = TlsMaterial.selfSigned(Clock.systemUTC());
  private final UiServer server;

  public FakeUi(
      Map<String, String> environment,
      TokenCheck tokens,
      AccessCheck access,
      TrackedWorkloads workloads,
      DecisionLog decisions,
      Simulator simulator)
      throws Exception {
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    ApiClient nowhere = new ApiClient().setBasePath("https://127.0.0.1:1");
    UiData data =
        new UiData(
            () -> List.<MirrorView>of(),
            () -> List.<RegistryView>of(),
            updates,
            workloads,
            decisions,
            simulator,
            mapping,
            new Votes(new KubeRest(nowhere, new ObjectMapper()), clock, metrics),
            apiProblem::get,
            changes);
    Sessions sessions =
        new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12), 100, random);
    Authenticator authenticator =
        new Authenticator(
            new PasswordUsers(environment),
            tokens,
            access,
            sessions,
            new LoginThrottle(clock, 5, Duration.ofSeconds(12)));
    server =
        new UiServer(
            vertx,
            "127.0.0.1",
            0,
            tls,
            WebUi.router(
                vertx,
                data,
                authenticator,
                sessions,
                new CsrfTokens(random),
                access,
                metrics,
                random));
    server.start().await(20, TimeUnit.SECONDS);
  }

  public void updatesChanged() {
    updates.changed();
    changes.changed();
  }

  public int port() {
    return server.port();
  }

  public java.security.cert.X509Certificate caCertificate() throws Exception {
    return dev.mirrorgate.certs.Pem.readCertificates(tls.trustAnchorPem()).get(0);
  }

  public UiClient client() throws Exception {
    return new UiClient(
        dev.mirrorgate.certs.Pem.readCertificates(tls.trustAnchorPem()).get(0), port());
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
