package dev.mirrorgate.webhook.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds API clients the way the ecosystem does: the Pod's ServiceAccount when running in a cluster
 * ({@code KUBERNETES_SERVICE_HOST} set and a mounted token), else the kubeconfig named by {@code
 * KUBECONFIG} (its first file), else {@code ~/.kube/config}. Every command of the webhook jar
 * ({@code serve}, {@code controller}, {@code certs}) builds its clients here; there is no global
 * client. (The node agent has its own small client, without client-java.)
 */
public final class KubernetesClients {
  /** Requests return well within this; watches need no read timeout at all. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, String> environment;
  private final Path serviceAccountToken;

  /**
   * @param environment the process environment in production, a map in tests
   * @param serviceAccountToken where the in-cluster token is mounted
   */
  public KubernetesClients(Map<String, String> environment, Path serviceAccountToken) {
    this.environment = Map.copyOf(environment);
    this.serviceAccountToken = serviceAccountToken;
  }

  /** From the process environment and the standard token path. */
  public static KubernetesClients fromEnvironment() {
    return new KubernetesClients(System.getenv(), Path.of(Config.SERVICEACCOUNT_TOKEN_PATH));
  }

  /** A client for ordinary requests (reads, writes, Events). */
  public ApiClient forRequests() {
    return build(REQUEST_TIMEOUT);
  }

  /** A client for informers and watches: no read timeout (the informer requires zero). */
  public ApiClient forWatches() {
    return build(Duration.ZERO);
  }

  /** Where the configuration comes from, for log lines: {@code in-cluster} or a kubeconfig path. */
  public String describe() {
    return inCluster() ? "in-cluster service account" : "kubeconfig " + kubeconfigPath();
  }

  boolean inCluster() {
    String host = environment.get(Config.ENV_SERVICE_HOST);
    return host != null && !host.isBlank() && Files.isReadable(serviceAccountToken);
  }

  Path kubeconfigPath() {
    String fromEnv = environment.get(Config.ENV_KUBECONFIG);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.split(java.io.File.pathSeparator)[0]);
    }
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".kube", "config");
  }

  private ApiClient build(Duration readTimeout) {
    try {
      ClientBuilder builder = inCluster() ? ClientBuilder.cluster() : fromKubeconfig();
      return builder.setApiClient(new LazyModelsApiClient()).setReadTimeout(readTimeout).build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot configure the Kubernetes client from " + describe(), e);
    }
  }

  private ClientBuilder fromKubeconfig() throws IOException {
    Path file = kubeconfigPath();
    if (!Files.isReadable(file)) {
      throw new IOException(
          "not running in a cluster and no readable kubeconfig at " + file + " (set KUBECONFIG)");
    }
    try (Reader reader = Files.newBufferedReader(file)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(file.toFile());
      return ClientBuilder.kubeconfig(config);
    }
  }
}
