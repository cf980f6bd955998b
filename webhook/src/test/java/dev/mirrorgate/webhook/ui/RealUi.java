package dev.mirrorgate.webhook.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import dev.mirrorgate.webhook.mirror.MirrorMode;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import dev.mirrorgate.webhook.registry.RegistrySources;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.ui.data.CertificateExpiry;
import dev.mirrorgate.webhook.ui.data.ClusterObjects;
import dev.mirrorgate.webhook.ui.web.UiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The UI as the controller assembles it ({@link ControllerUi} over the mirrors' and registries'
 * informers, a real API server), with push-to-deploy's ports given by the test, on a loopback port.
 */
public final class RealUi implements AutoCloseable {
  public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  public final ControllerUi ui;
  private final List<Informer> informers = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final TlsMaterial tls = TlsMaterial.selfSigned(Clock.systemUTC());
  private final UiServer server;

  public RealUi(KubeApiServer api, String namespace, ControllerUi.Ports ports) throws Exception {
    ObjectMapper json = new ObjectMapper();
    KubeRest requests = new KubeRest(api.client(), json);
    KubeRest watches = new KubeRest(api.clientFor(api.token(), Duration.ZERO), json);
    Informer mirrorsInformer =
        keep(new Informer(watches, MirrorSources.REGISTRY_MIRRORS, ListQuery.all()));
    Informer registriesInformer =
        keep(new Informer(watches, RegistrySources.REGISTRIES, ListQuery.all()));
    Informer secrets = keep(new Informer(watches, ApiResource.SECRETS, ListQuery.all()));
    MirrorSources mirrors =
        new MirrorSources(mirrorsInformer, Optional.empty(), MirrorMode.HOSTESS);
    RegistrySources registries = new RegistrySources(registriesInformer);
    ClusterObjects objects =
        new ClusterObjects(mirrors, registries, new CertificateExpiry(secrets::get), namespace);
    ui =
        new ControllerUi(
            namespace,
            requests,
            watches,
            this::keep,
            new ControllerUi.ClusterReads(
                objects::mirrors,
                objects::registries,
                List.of(mirrorsInformer, registriesInformer)),
            keep(
                new Informer(
                    watches,
                    dev.mirrorgate.webhook.deploy.ImageUpdates.RESOURCE,
                    ListQuery.all(),
                    Informer.WITHOUT_MANAGED_FIELDS)),
            ports,
            Map.of("BASIC_AUTH_USER", "alice", "BASIC_AUTH_PASSWORD", "wonderland"),
            metrics,
            Clock.systemUTC());
    informers.forEach(Informer::start);
    server = new UiServer(vertx, "127.0.0.1", 0, tls, ui.router(vertx));
    server.start().await(20, TimeUnit.SECONDS);
  }

  private Informer keep(Informer informer) {
    informers.add(informer);
    return informer;
  }

  public boolean synced() {
    return informers.stream().allMatch(Informer::hasSynced);
  }

  public int port() {
    return server.port();
  }

  public String url(String path) {
    return "https://127.0.0.1:" + port() + path;
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
    informers.forEach(Informer::close);
  }
}
