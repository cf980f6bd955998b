package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.store.CaBundleInjector;
import dev.mirrorgate.certs.store.CertificateListener;
import dev.mirrorgate.certs.store.RotationPlanner;
import dev.mirrorgate.certs.store.SecretCertificateSource;
import dev.mirrorgate.certs.store.SecretCertificateStore;
import dev.mirrorgate.webhook.kube.KubernetesClients;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code serve --tls-secret NS/NAME --webhook-config NAME}: the certificate from the Secret-backed
 * store (created on first start, shared by all replicas, renewed before expiry), its CA injected
 * into the MutatingWebhookConfiguration.
 */
final class SecretTlsOptions {
  @Option(
      names = "--tls-secret",
      paramLabel = "NS/NAME",
      required = true,
      description = "Secret holding the CA and serving certificate (created if absent)")
  String secret;

  @Option(
      names = "--webhook-config",
      paramLabel = "NAME",
      description =
          "MutatingWebhookConfiguration whose caBundle is kept equal to the CA bundle (serve:"
              + " required)")
  String webhookConfiguration;

  @Option(
      names = "--tls-dns-name",
      paramLabel = "NAME",
      description =
          "DNS name of the serving certificate, repeatable (default: --tls-service.NS.svc)")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--tls-ip-address",
      paramLabel = "IP",
      description = "IP address of the serving certificate, repeatable")
  List<String> ipAddresses = new ArrayList<>();

  @Option(
      names = "--tls-service",
      description =
          "Service name for the default DNS names (default: mirrorgate-webhook for serve,"
              + " mirrorgate-controller for controller)")
  String service;

  @Option(
      names = "--tls-validity",
      defaultValue = "2160h",
      converter = DurationConverter.class,
      description = "serving certificate lifetime, renewed at 2/3 (default ${DEFAULT-VALUE})")
  Duration validity;

  @Option(
      names = "--tls-check-interval",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "how often the Secret and caBundle are checked (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--tls-key-algorithm",
      defaultValue = "EC_P256",
      description =
          "algorithm of the CA and serving keys this replica creates: ${COMPLETION-CANDIDATES}"
              + " (default ${DEFAULT-VALUE})")
  KeyAlgorithm algorithm;

  /**
   * Builds the source, obtains the first certificate (handed to {@code listener}) and returns.
   *
   * @param defaultService the Service name of the default DNS names
   * @param needsWebhookConfig whether {@code --webhook-config} is required (the webhook publishes
   *     its CA there; the controller's clients read it from the Secret)
   */
  SecretCertificateSource start(
      CertificateListener listener,
      Clock clock,
      String defaultService,
      boolean needsWebhookConfig,
      Map<String, String> environment)
      throws InterruptedException {
    if (needsWebhookConfig && webhookConfiguration == null) {
      throw new IllegalArgumentException(
          "--tls-secret needs --webhook-config NAME (the MutatingWebhookConfiguration to keep"
              + " trusting the CA)");
    }
    String service = this.service == null ? defaultService : this.service;
    String[] parts = secret.split("/", -1);
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new IllegalArgumentException("--tls-secret: \"" + secret + "\" is not NAMESPACE/NAME");
    }
    String namespace = parts[0];
    List<String> names =
        dnsNames.isEmpty()
            ? List.of(
                service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local")
            : dnsNames;
    LeafSpec leaf =
        LeafSpec.server(service + "." + namespace + ".svc", names, ipAddresses, validity);
    ApiClient client =
        new KubernetesClients(environment, Path.of(Config.SERVICEACCOUNT_TOKEN_PATH)).forRequests();
    SecretCertificateSource source =
        new SecretCertificateSource(
            new SecretCertificateStore(client, namespace, parts[1], clock),
            webhookConfiguration == null
                ? null
                : new CaBundleInjector(client, webhookConfiguration),
            new RotationPlanner(
                RotationPlanner.Settings.defaults(leaf).withAlgorithm(algorithm), clock),
            listener,
            interval);
    source.start();
    return source;
  }
}
