package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.common.json.CompactNodeFactory;
import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.ControllerRuntime;
import dev.mirrorgate.webhook.controller.ControllerServer;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.ServingCertificates;
import dev.mirrorgate.webhook.deploy.PushWindows;
import dev.mirrorgate.webhook.deploy.intake.PushIntake;
import dev.mirrorgate.webhook.deploy.intake.PushSink;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.KubernetesClients;
import dev.mirrorgate.webhook.kube.LeaderElection;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import dev.mirrorgate.webhook.ui.web.UiServer;
import io.kubernetes.client.util.Config;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process, assembled: the composition root of the {@code controller} deployable.
 * Every part gets what it needs through its constructor; nothing is global.
 */
public final class ControllerApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControllerApp.class);
  static final String LEASE_NAME = "mirrorgate-controller";

  /** The controller could not start; the message says why. */
  public static final class StartupException extends Exception {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Vertx vertx;
  private final ControllerRuntime runtime;
  private final ControllerServer server;
  private final UiServer uiServer;
  private final LeaderElection election;
  private final ControllerMetrics metrics;
  private final SecretCertificateSource secretSource;
  private final ControllerParts parts;

  private ControllerApp(
      Vertx vertx,
      ControllerRuntime runtime,
      ControllerServer server,
      UiServer uiServer,
      LeaderElection election,
      ControllerMetrics metrics,
      SecretCertificateSource secretSource,
      ControllerParts parts) {
    this.uiServer = uiServer;
    this.secretSource = secretSource;
    this.parts = parts;
    this.vertx = vertx;
    this.runtime = runtime;
    this.server = server;
    this.election = election;
    this.metrics = metrics;
  }

  /** Assembles and starts the controller as {@code options} say. */
  public static ControllerApp start(ControllerCommand options, Clock clock)
      throws StartupException, InterruptedException {
    ControllerMetrics metrics = new ControllerMetrics();
    ServingCertificates certificates = new ServingCertificates(metrics);
    TlsMaterial tls;
    SecretCertificateSource secretSource = null;
    try {
      tls = options.tlsMaterial(clock);
      if (tls == null) {
        secretSource =
            options.tls.secret.start(
                certificates, clock, "mirrorgate-controller", false, options.environment());
        tls = certificates.latest();
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new StartupException("serving certificate: " + e.getMessage(), e);
    }
    KubernetesClients clients =
        new KubernetesClients(options.environment(), Path.of(Config.SERVICEACCOUNT_TOKEN_PATH));
    log.info("Kubernetes API access: {}", clients.describe());
    ObjectMapper json = CompactNodeFactory.mapper();
    KubeRest requests;
    KubeRest watches;
    LeaderElection election;
    try {
      requests = new KubeRest(clients.forRequests(), json);
      watches = new KubeRest(clients.forWatches(), json);
      election =
          new LeaderElection(
              clients.forRequests(),
              options.namespace,
              LEASE_NAME,
              identity(),
              new LeaderElection.Timing(
                  options.leaseDuration, options.renewDeadline, options.retryPeriod));
    } catch (RuntimeException e) {
      throw new StartupException(e.getMessage(), e);
    }
    metrics.leader(election::isLeader);
    ControllerRuntime runtime = new ControllerRuntime(election, options.resync);
    // The Lease's first round trips (and client-java's poll of them, a retry period) overlap the
    // wiring below; the leader's work waits for the informers.
    runtime.campaign();
    KubeRest writes = requests.gated(election::isLeader);
    EventSink events = new EventSink(writes, election.identity(), clock, metrics.registry());
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                .setInternalBlockingPoolSize(2));
    ControllerServer server =
        new ControllerServer(
            vertx, options.bindAddress, options.port, tls, runtime::synced, metrics);
    ControllerParts parts =
        new ControllerParts(
            options,
            requests,
            writes,
            watches,
            events,
            metrics,
            runtime,
            clock,
            json,
            () -> server.tls().trustAnchorPem());
    try {
      parts.register();
    } catch (RuntimeException e) {
      runtime.close(); // gives the Lease up if it was won meanwhile
      vertx.close();
      throw e;
    }
    // The push intake on every replica: pushes go to the coalescing windows of push-to-deploy.
    PushWindows windows = parts.pushWindows();
    new PushIntake(
            vertx,
            parts.webhookTokens(),
            new PushSink() {
              @Override
              public boolean ready() {
                return runtime.synced();
              }

              @Override
              public void accept(
                  java.util.List<dev.mirrorgate.common.update.intake.PushEvent> events) {
                windows.accept(events);
              }
            },
            options.allowUnauthenticatedWebhooks,
            metrics.registry())
        .mount(server.router());
    runtime.startInformers(); // every part has registered its own: they list while servers start
    try {
      server.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      runtime.close();
      vertx.close();
      if (secretSource != null) {
        secretSource.close();
      }
      throw new StartupException(
          "cannot serve on " + options.bindAddress + ":" + options.port + ": " + e.getMessage(), e);
    }
    certificates.attach(server);
    UiServer uiServer =
        new UiServer(
            vertx, options.bindAddress, options.uiPort, server.tls(), parts.ui().router(vertx));
    try {
      uiServer.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      runtime.close();
      server.close();
      vertx.close();
      if (secretSource != null) {
        secretSource.close();
      }
      throw new StartupException(
          "cannot serve the UI on "
              + options.bindAddress
              + ":"
              + options.uiPort
              + ": "
              + e.getMessage(),
          e);
    }
    certificates.attach(uiServer::updateTls);
    if (!server.tls().equals(certificates.latest()) && certificates.latest() != null) {
      uiServer.updateTls(certificates.latest()); // renewed while the UI port was starting
    }
    runtime.start(Duration.ofSeconds(30));
    log.info(
        "controller serving on https://{}:{}, UI and API on https://{}:{} (namespace {}, identity"
            + " {})",
        options.bindAddress,
        server.port(),
        options.bindAddress,
        uiServer.port(),
        options.namespace,
        election.identity());
    return new ControllerApp(
        vertx, runtime, server, uiServer, election, metrics, secretSource, parts);
  }

  /** The Pod name (Downward API), else the host name, made unique per process. */
  private static String identity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "controller";
    }
    return host + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  public int port() {
    return server.port();
  }

  /** The UI and API port bound (useful with {@code --ui-port=0}). */
  public int uiPort() {
    return uiServer.port();
  }

  public boolean isLeader() {
    return election.isLeader();
  }

  public boolean ready() {
    return runtime.synced();
  }

  /** Whether push-to-deploy's index holds the workload {@code Kind/namespace/name}. */
  public boolean tracks(String workloadKey) {
    return parts.workloads().get(workloadKey).isPresent();
  }

  /** Where pushed images enter push-to-deploy (the intake's sink). */
  public void pushed(java.util.List<dev.mirrorgate.common.update.intake.PushEvent> events) {
    parts.pushWindows().accept(events);
  }

  public ControllerMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    parts.close();
    if (secretSource != null) {
      secretSource.close();
    }
    runtime.close();
    uiServer.close();
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS);
  }
}
