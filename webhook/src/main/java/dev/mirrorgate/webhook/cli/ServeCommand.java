package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.mapping.FileMappingSource;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.PodMutator;
import dev.mirrorgate.webhook.server.AdmissionService;
import dev.mirrorgate.webhook.server.FileTlsSource;
import dev.mirrorgate.webhook.server.ServingCertificateListener;
import dev.mirrorgate.webhook.server.TlsMaterial;
import dev.mirrorgate.webhook.server.WebhookServer;
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

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      required = true,
      description = "mapping.yaml (or an ImageSwap file named maps), reloaded when it changes")
  Path mapping;

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

  static final class TlsFiles {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true, description = "PEM chain")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true, description = "PEM key")
    Path key;
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
        secretSource = tls.secret.start(certificates, clock);
        material = certificates.latest();
      } else {
        material = tlsFiles == null ? TlsMaterial.selfSigned(clock) : tlsFiles.read();
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      log.error("cannot serve: {}", e.getMessage());
      return 1;
    }

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2));
    ObjectMapper json = new ObjectMapper();
    MappingHolder mappings = new MappingHolder();
    FileMappingSource mappingSource =
        new FileMappingSource(vertx, mapping, new MappingLoader(clock), mappings, metrics);
    AdmissionService admission =
        new AdmissionService(new AdmissionCodec(json), new PodMutator(json), mappings, metrics);
    WebhookServer server =
        new WebhookServer(vertx, bindAddress, port, material, admission, mappings, metrics);

    mappingSource.start(reloadInterval);
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
        "serving admission on https://{}:{}/mutate ({} event loops, {} certificate)",
        bindAddress,
        server.port(),
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
