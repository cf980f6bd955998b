package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.common.json.CompactNodeFactory;
import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.kube.EventRecorder;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.KubernetesClients;
import dev.mirrorgate.webhook.mapping.ConfigMapMappingSource;
import dev.mirrorgate.webhook.mapping.FileMappingSource;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import dev.mirrorgate.webhook.mapping.MirrorsRulesSource;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import dev.mirrorgate.webhook.server.AdmissionService;
import dev.mirrorgate.webhook.server.ConnectionGate;
import dev.mirrorgate.webhook.server.FileTlsSource;
import dev.mirrorgate.webhook.server.ServerLimits;
import dev.mirrorgate.webhook.server.ServingCertificateListener;
import dev.mirrorgate.webhook.server.WebhookServer;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: the admission webhook over HTTPS. This is the webhook's composition root. */
@Command(
    name = "serve",
    description = "Serves the mutating admission webhook over HTTPS.",
    mixinStandardHelpOptions = true)
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(
      names = "--port",
      defaultValue = "8443",
      description = "HTTPS port (default ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--bind-address",
      defaultValue = "0.0.0.0",
      description = "address to listen on (default ${DEFAULT-VALUE})")
  String bindAddress;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Tls tls;

  @ArgGroup(exclusive = true, multiplicity = "1")
  MappingOrigin mapping;

  @Option(
      names = "--mirrors-configmap",
      paramLabel = "NAMESPACE/NAME",
      converter = ConfigMapRefConverter.class,
      description =
          "the controller's mirrors.yaml ConfigMap (e.g. mirrorgate/mirrorgate-mirrors): its"
              + " rewrite: true mirrors become rules upstream -> mirror (services mode); the"
              + " user's rule wins an equal source")
  ConfigMapRef mirrorsConfigMap;

  @Option(
      names = "--reload-interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "how often mapping and certificate files are re-read (default ${DEFAULT-VALUE})")
  Duration reloadInterval;

  @Option(
      names = "--event-loops",
      description = "event loops serving requests (default: the number of CPUs)")
  Integer eventLoops;

  static final class Tls {
    @ArgGroup(exclusive = false)
    TlsFiles files;

    @ArgGroup(exclusive = false)
    SecretTlsOptions secret;

    @Option(
        names = "--tls-self-signed",
        required = true,
        description = "serve a throwaway in-memory certificate (local use only)")
    boolean selfSigned;
  }

  static final class MappingOrigin {
    @Option(
        names = "--mapping",
        paramLabel = "FILE",
        required = true,
        description = "mapping.yaml (or an ImageSwap file named maps), reloaded when it changes")
    Path file;

    @Option(
        names = "--mapping-configmap",
        paramLabel = "NAMESPACE/NAME",
        required = true,
        converter = ConfigMapRefConverter.class,
        description =
            "a ConfigMap with key mapping.yaml or maps, watched through the API (in-cluster"
                + " config, else KUBECONFIG)")
    ConfigMapRef configMap;
  }

  static final class ConfigMapRefConverter implements CommandLine.ITypeConverter<ConfigMapRef> {
    @Override
    public ConfigMapRef convert(String value) {
      try {
        return ConfigMapRef.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class TlsFiles {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true, description = "PEM chain")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true, description = "PEM key")
    Path key;
  }

  /** How the chosen mapping source is started and stopped. */
  private record MappingSource(Runnable start, Runnable stop) {
    /** This source, then {@code other} (started after, stopped after). */
    MappingSource and(MappingSource other) {
      return new MappingSource(
          () -> {
            start.run();
            other.start.run();
          },
          () -> {
            stop.run();
            other.stop.run();
          });
    }
  }

  /** JSON of the Kubernetes API (the mapping and mirrors ConfigMaps, Events). */
  private static final ObjectMapper KUBE_JSON = CompactNodeFactory.mapper();

  /** The user's mapping source, plus the services-mode mirrors when asked for. */
  private MappingSource mappingSource(
      Vertx vertx, Clock clock, MappingHolder mappings, WebhookMetrics metrics) {
    MappingSource user = userMappingSource(vertx, clock, mappings, metrics);
    if (mirrorsConfigMap == null) {
      return user;
    }
    MirrorsRulesSource mirrors =
        new MirrorsRulesSource(
            new KubeRest(KubernetesClients.fromEnvironment().forWatches(), KUBE_JSON),
            mirrorsConfigMap,
            mappings,
            metrics);
    return user.and(new MappingSource(mirrors::start, mirrors::stop));
  }

  /** Builds the user's mapping source the options ask for. */
  private MappingSource userMappingSource(
      Vertx vertx, Clock clock, MappingHolder mappings, WebhookMetrics metrics) {
    MappingLoader loader = new MappingLoader(clock);
    if (mapping.file != null) {
      FileMappingSource source =
          new FileMappingSource(vertx, mapping.file, loader, mappings, metrics);
      return new MappingSource(() -> source.start(reloadInterval), source::stop);
    }
    KubernetesClients clients = KubernetesClients.fromEnvironment();
    log.info("Kubernetes API access: {}", clients.describe());
    EventRecorder events =
        new EventRecorder(
            new KubeRest(clients.forRequests(), KUBE_JSON),
            "mirrorgate-webhook",
            instanceName(),
            clock);
    ConfigMapMappingSource source =
        new ConfigMapMappingSource(
            new KubeRest(clients.forWatches(), KUBE_JSON),
            mapping.configMap,
            loader,
            mappings,
            metrics,
            events);
    return new MappingSource(source::start, source::stop);
  }

  /** The Pod name in a cluster (the Downward API or the hostname), for Events. */
  private static String instanceName() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * An error no handler caught. An {@link OutOfMemoryError} Netty or Vert.x raised themselves (a
   * direct buffer, not the heap, which {@code -XX:+ExitOnOutOfMemoryError} covers) ends the process
   * at once: one that cannot allocate cannot serve, and the Deployment restarts it.
   */
  private static void unhandled(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      System.err.println(
          "mirrorgate: out of memory, exiting so that the process is restarted: " + e);
      Runtime.getRuntime().halt(3);
    }
    log.error("unhandled error on an event loop: {}", e.toString());
  }

  @Override
  public Integer call() throws InterruptedException {
    int loops = eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors();
    Clock clock = Clock.systemUTC();
    WebhookMetrics metrics = new WebhookMetrics();
    FileTlsSource tlsFiles =
        tls.files == null
            ? null
            : new FileTlsSource(tls.files.certificate, tls.files.key, metrics, clock);
    ServingCertificateListener certificates = new ServingCertificateListener(metrics, clock);
    SecretCertificateSource secretSource = null;
    TlsMaterial material;
    try {
      if (tls.secret != null) {
        secretSource =
            tls.secret.start(certificates, clock, "mirrorgate-webhook", true, System.getenv());
        material = certificates.latest();
      } else {
        material = tlsFiles == null ? TlsMaterial.selfSigned(clock) : tlsFiles.read();
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      log.error("cannot serve: {}", e.getMessage());
      return 1;
    }

    // Vert.x's internal blocking pool (file reads of the mapping poll, TLS context loading) starts
    // a new thread per task up to its size (20 by default); two are plenty for this process.
    // The connection cap sits in the acceptor, so Vert.x is built on the gate's transport.
    ServerLimits limits = ServerLimits.DEFAULTS;
    ConnectionGate gate = new ConnectionGate(limits);
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(loops)
                    .setWorkerPoolSize(2)
                    .setInternalBlockingPoolSize(2))
            .withTransport(gate.transport())
            .build();
    vertx.exceptionHandler(ServeCommand::unhandled);
    ObjectMapper json = new ObjectMapper();
    MappingHolder mappings = new MappingHolder();
    MappingSource mappingSource;
    try {
      mappingSource = mappingSource(vertx, clock, mappings, metrics);
    } catch (RuntimeException e) {
      log.error("cannot watch the mapping: {}", e.getMessage());
      vertx.close();
      return 1;
    }
    AdmissionService admission =
        new AdmissionService(new AdmissionCodec(), new PodMutator(json), mappings, metrics);
    WebhookServer server =
        new WebhookServer(
            vertx, bindAddress, port, material, admission, mappings, metrics, limits, gate);

    mappingSource.start().run();
    try {
      server.start(loops).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.error("cannot serve on {}:{}: {}", bindAddress, port, e.getMessage());
      if (secretSource != null) {
        secretSource.close();
      }
      vertx.close();
      return 1;
    }
    if (tlsFiles != null) {
      tlsFiles.watch(vertx, server, reloadInterval);
    }
    if (secretSource != null) {
      certificates.attach(server);
    }
    log.info(
        "serving admission on https://{}:{}/mutate, TLS by {} ({} event loops, {} certificate)",
        bindAddress,
        server.port(),
        server.tlsEngine(),
        loops,
        secretSource != null ? "secret" : tlsFiles == null ? "self-signed" : "file");

    CountDownLatch stopped = new CountDownLatch(1);
    SecretCertificateSource renewing = secretSource;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down: draining in-flight requests");
                  if (renewing != null) {
                    renewing.close();
                  }
                  mappingSource.stop().run();
                  vertx
                      .close()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .orTimeout(10, TimeUnit.SECONDS)
                      .exceptionally(e -> null)
                      .join();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
