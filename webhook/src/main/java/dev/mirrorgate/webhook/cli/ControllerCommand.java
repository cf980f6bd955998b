package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code controller}: the RegistryMirror and Registry controllers, leader-elected, with health,
 * readiness and metrics on an HTTPS port. The process is assembled by {@link ControllerApp}.
 */
@Command(
    name = "controller",
    description =
        "Runs the RegistryMirror and Registry controllers (leader-elected on a Lease) and the"
            + " controller's HTTPS endpoints.",
    mixinStandardHelpOptions = true)
public final class ControllerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ControllerCommand.class);

  @Option(
      names = "--namespace",
      defaultValue = "mirrorgate",
      description = "namespace of the controller's own objects (default ${DEFAULT-VALUE})")
  String namespace;

  @Option(
      names = "--port",
      defaultValue = "9443",
      description = "HTTPS port: intake, health, metrics (default ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--ui-port",
      defaultValue = "9300",
      description = "HTTPS port of the web UI and API (default ${DEFAULT-VALUE})")
  int uiPort;

  @Option(
      names = "--bind-address",
      defaultValue = "0.0.0.0",
      description = "address to listen on (default ${DEFAULT-VALUE})")
  String bindAddress;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Tls tls;

  @Option(
      names = "--addressing-scheme",
      defaultValue = "hostess",
      description =
          "mode of legacy k8s.osp.tech/v1 RegistryMirrors: hostess or services (default"
              + " ${DEFAULT-VALUE})")
  AddressingScheme addressingScheme;

  @Option(
      names = "--resync",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description = "every key is reconciled again this often (default ${DEFAULT-VALUE})")
  Duration resync;

  @Option(
      names = "--debounce",
      defaultValue = "500ms",
      converter = DurationConverter.OrZero.class,
      description =
          "push events for one repository are coalesced this long (default ${DEFAULT-VALUE})")
  Duration debounce;

  @Option(
      names = "--allow-unauthenticated-webhooks",
      description = "accept pushes without a token when Secret mirrorgate-webhook-tokens is empty")
  boolean allowUnauthenticatedWebhooks;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "a registry polled over plain HTTP when it does not speak TLS (repeatable; loopback"
              + " registries always may)")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--registry-ca",
      paramLabel = "FILE",
      description =
          "a PEM bundle registries are trusted with, besides the system CAs and mirrorgate's CA"
              + " (repeatable)")
  List<Path> registryCas = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "kubeconfig to use instead of in-cluster config and KUBECONFIG")
  Path kubeconfig;

  @Option(
      names = "--leader-elect-lease-duration",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "how long a leader's Lease lasts without renewal before another replica takes over"
              + " (default ${DEFAULT-VALUE})")
  Duration leaseDuration;

  @Option(
      names = "--leader-elect-renew-deadline",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "a leader that cannot renew within this stops leading (default ${DEFAULT-VALUE})")
  Duration renewDeadline;

  @Option(
      names = "--leader-elect-retry-period",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "how often the Lease is renewed or tried (default ${DEFAULT-VALUE})")
  Duration retryPeriod;

  @Option(
      names = "--workers",
      defaultValue = "4",
      description = "reconcile workers per controller (default ${DEFAULT-VALUE})")
  int workers;

  /** Where update decisions are posted besides Events (--notify-webhook, --notify-slack). */
  @CommandLine.Mixin NotifyOptions notifications = new NotifyOptions();

  /** Mode given to legacy RegistryMirrors (mirror-operator's ADDRESSING_SCHEME). */
  public enum AddressingScheme {
    hostess,
    services
  }

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

  /** The environment the Kubernetes client reads, with {@code --kubeconfig} applied. */
  Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(System.getenv());
    if (kubeconfig != null) {
      environment.remove("KUBERNETES_SERVICE_HOST");
      environment.put("KUBECONFIG", kubeconfig.toString());
    }
    return environment;
  }

  /** The certificate from files or self-signed; null with {@code --tls-secret}. */
  TlsMaterial tlsMaterial(Clock clock) throws Exception {
    if (tls.secret != null) {
      return null;
    }
    if (tls.files == null) {
      return TlsMaterial.selfSigned(clock);
    }
    return TlsMaterial.fromPem(
        Buffer.buffer(Files.readAllBytes(tls.files.certificate)),
        Buffer.buffer(Files.readAllBytes(tls.files.key)));
  }

  @Override
  public Integer call() throws InterruptedException {
    ControllerApp app;
    try {
      app = ControllerApp.start(this, Clock.systemUTC());
    } catch (ControllerApp.StartupException e) {
      log.error("cannot start the controller: {}", e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  app.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /** Parses {@code args} as the command line would (for in-process tests). */
  public static ControllerCommand parse(String... args) {
    ControllerCommand command = new ControllerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
