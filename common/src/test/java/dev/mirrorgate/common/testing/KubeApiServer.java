package dev.mirrorgate.common.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code kube-apiserver} backed by a real {@code etcd}, one per test class:
 *
 * <pre>{@code @RegisterExtension static final KubeApiServer api = new KubeApiServer();}</pre>
 *
 * Random loopback ports, a temporary directory, token authentication (an admin in {@code
 * system:masters}), RBAC, a service-account signing key (so TokenRequest works) and the mutating
 * and validating admission webhooks enabled. No controller-manager or scheduler runs: Pods stay
 * Pending and namespaces get their {@code default} ServiceAccount from {@link #createNamespace}.
 *
 * <p>Binaries come from {@code MIRRORGATE_K8S_BINS}, else from {@code .ci/k8s-bins}. Without them
 * the class is skipped, or fails when {@code CI=true}. Both processes are stopped and the directory
 * deleted after the class, also when it fails; a shutdown hook is the last resort.
 */
public final class KubeApiServer implements BeforeAllCallback, AfterAllCallback {
  private static final SecureRandom RANDOM = new SecureRandom();

  private String ownerId;
  private Path binDir;
  private ControlPlane controlPlane;
  private Thread shutdownHook;
  private Path kubeconfig;
  private ApiClient client;
  private Duration startTime;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (ownerId != null) {
      return; // already running for an enclosing class
    }
    try {
      binDir = KubeBinaries.find();
    } catch (KubeBinaries.NotFound e) {
      String message =
          "no kube-apiserver/etcd binaries: " + e.getMessage() + "; " + KubeBinaries.HOW_TO_BUILD;
      Prerequisites.missing("KubeApiServer", context.getDisplayName(), message, e);
    }
    ownerId = context.getUniqueId();
    try {
      start();
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(ownerId)) {
      stop();
      ownerId = null;
    }
  }

  private void start() throws Exception {
    long started = System.nanoTime();
    controlPlane = ControlPlane.in(binDir);
    ControlPlane running = controlPlane;
    shutdownHook = new Thread(running::stopProcesses, "kube-apiserver-harness-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    controlPlane.start();
    kubeconfig = writeKubeconfig();
    client = clientFor(token(), Duration.ofSeconds(30));
    startTime = Duration.ofNanos(System.nanoTime() - started);
    System.err.printf(
        "[KubeApiServer] %s ready in %d ms (%s)%n",
        url(), startTime.toMillis(), controlPlane.dir());
  }

  private void stop() {
    if (controlPlane != null) {
      controlPlane.stop();
      controlPlane = null;
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      shutdownHook = null;
    }
    client = null;
    kubeconfig = null;
  }

  /**
   * Stops kube-apiserver and starts it again on the same port, against the same etcd and with the
   * same serving certificate; returns when it is ready again. For resilience tests.
   */
  public void restartApiServer() throws Exception {
    running().restartApiServer();
  }

  /** An API client authenticated as the admin ({@code system:masters}). */
  public ApiClient client() {
    running();
    return client;
  }

  /**
   * A client for {@code bearerToken} (e.g. a ServiceAccount token from TokenRequest), trusting this
   * server; a {@code readTimeout} of zero suits informers.
   */
  public ApiClient clientFor(String bearerToken, Duration readTimeout) {
    return new ClientBuilder()
        .setBasePath(url())
        .setCertificateAuthority(caBundlePem())
        .setAuthentication(new AccessTokenAuthentication(bearerToken))
        .setReadTimeout(readTimeout)
        .build();
  }

  /** A kubeconfig file for the admin (certificate-authority-data and token embedded). */
  public Path kubeconfig() {
    running();
    return kubeconfig;
  }

  /** An API client built from {@link #kubeconfig()}, as a program given KUBECONFIG would. */
  public ApiClient clientFromKubeconfig() throws IOException {
    try (Reader reader = Files.newBufferedReader(kubeconfig())) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(kubeconfig.toFile());
      return ClientBuilder.kubeconfig(config).build();
    }
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String url() {
    return running().url();
  }

  /** The admin's bearer token. */
  public String token() {
    return running().token();
  }

  /** Where {@code kube-apiserver} and {@code etcd} were found. */
  public Path binDir() {
    running();
    return binDir;
  }

  /** How long the start (etcd and kube-apiserver until ready) took. */
  public Duration startTime() {
    return startTime;
  }

  /** The PEM the API server's serving certificate chains to (kube-apiserver made it). */
  public byte[] caBundlePem() {
    return running().caBundlePem();
  }

  /** The last lines of {@code etcd} or {@code kube-apiserver}'s log, for failure messages. */
  public String logTail(String process, int lines) {
    return running().logTail(process, lines);
  }

  /**
   * Creates a namespace named {@code prefix-xxxxx} and its {@code default} ServiceAccount (no
   * controller-manager runs to create it), and returns the name.
   */
  public String createNamespace(String prefix) {
    return createNamespace(prefix, Map.of());
  }

  /** Like {@link #createNamespace(String)}, with labels on the namespace from the start. */
  public String createNamespace(String prefix, Map<String, String> labels) {
    String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    base = base.substring(0, Math.min(base.length(), 50)).replaceAll("^-+|-+$", "");
    String name = (base.isEmpty() ? "ns" : base) + "-" + randomSuffix();
    CoreV1Api core = new CoreV1Api(client());
    try {
      core.createNamespace(
              new V1Namespace().metadata(new V1ObjectMeta().name(name).labels(Map.copyOf(labels))))
          .execute();
      core.createNamespacedServiceAccount(
              name, new V1ServiceAccount().metadata(new V1ObjectMeta().name("default")))
          .execute();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "cannot create namespace " + name + ": " + e.getCode() + " " + e.getResponseBody(), e);
    }
    return name;
  }

  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return suffix.toString();
  }

  private ControlPlane running() {
    if (controlPlane == null) {
      throw new IllegalStateException(
          "KubeApiServer is not running: register it with @RegisterExtension on a static field");
    }
    return controlPlane;
  }

  private Path writeKubeconfig() throws IOException {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mirrorgate-test
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: mg-admin
            user:
              token: %s
        contexts:
          - name: mirrorgate-test
            context:
              cluster: mirrorgate-test
              user: mg-admin
        current-context: mirrorgate-test
        """
            .formatted(url(), Base64.getEncoder().encodeToString(caBundlePem()), token());
    return Files.writeString(controlPlane.dir().resolve("kubeconfig"), yaml);
  }

  @Override
  public String toString() {
    return controlPlane == null ? "KubeApiServer[stopped]" : "KubeApiServer[" + url() + "]";
  }
}
