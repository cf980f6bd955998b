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
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
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
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final SecureRandom RANDOM = new SecureRandom();

  private String ownerId;
  private Path binDir;
  private Path dir;
  private int etcdPort;
  private int etcdPeerPort;
  private int apiPort;
  private String token;
  private Process etcd;
  private Process apiServer;
  private Path kubeconfig;
  private ApiClient client;
  private Thread shutdownHook;
  private HttpClient insecureHttp;
  private Duration lastStartTime;

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
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message, e);
      }
      Assumptions.abort(message);
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
    dir = Files.createTempDirectory("mirrorgate-kube-");
    shutdownHook = new Thread(this::stopProcesses, "kube-apiserver-harness-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    insecureHttp = insecureHttpClient();
    etcdPort = freePort();
    etcdPeerPort = freePort();
    apiPort = freePort();
    token = HexFormat.of().formatHex(randomBytes(24));
    Files.writeString(
        dir.resolve("tokens.csv"), token + ",mg-admin,mg-admin-uid,\"system:masters\"\n");
    writeServiceAccountKeys();

    etcd = startEtcd();
    Poll.until(
        "etcd healthy on port " + etcdPort,
        READY_TIMEOUT,
        POLL,
        () -> {
          requireAlive(etcd, "etcd");
          return get("http://127.0.0.1:" + etcdPort + "/health").contains("\"true\"");
        });
    startApiServerAndWait();
    kubeconfig = writeKubeconfig();
    client = clientFor(token, Duration.ofSeconds(30));
    lastStartTime = Duration.ofNanos(System.nanoTime() - started);
    System.err.printf(
        "[KubeApiServer] %s ready in %d ms (etcd :%d, dir %s)%n",
        url(), lastStartTime.toMillis(), etcdPort, dir);
  }

  private Process startEtcd() throws IOException {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    return launch(
        "etcd",
        List.of(
            binDir.resolve("etcd").toString(),
            "--name=mg",
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=mg=" + peer,
            "--initial-cluster-state=new",
            "--unsafe-no-fsync",
            "--log-level=warn"));
  }

  private void startApiServerAndWait() throws Exception {
    apiServer =
        launch(
            "kube-apiserver",
            List.of(
                binDir.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--secure-port=" + apiPort,
                "--cert-dir=" + dir.resolve("certs"),
                "--token-auth-file=" + dir.resolve("tokens.csv"),
                "--authorization-mode=Node,RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + dir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + dir.resolve("sa.key"),
                "--service-cluster-ip-range=10.96.0.0/24",
                "--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook"));
    Poll.until(
        "kube-apiserver ready on port " + apiPort,
        READY_TIMEOUT,
        POLL,
        () -> {
          requireAlive(apiServer, "kube-apiserver");
          return "ok".equals(get(url() + "/readyz").strip());
        });
  }

  private Process launch(String name, List<String> command) throws IOException {
    Path log = dir.resolve(name + ".log");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  private void requireAlive(Process process, String name) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with status " + process.exitValue() + ":\n" + logTail(name, 30));
    }
  }

  /** The last lines of {@code etcd.log} or {@code kube-apiserver.log}, for failure messages. */
  public String logTail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve(name + ".log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops kube-apiserver and starts it again on the same port, against the same etcd and with the
   * same serving certificate; returns when it is ready again. For resilience tests.
   */
  public void restartApiServer() throws Exception {
    requireStarted();
    stopProcess(apiServer);
    startApiServerAndWait();
  }

  private void stop() {
    stopProcesses();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      shutdownHook = null;
    }
    if (dir != null) {
      deleteRecursively(dir);
      dir = null;
    }
    client = null;
  }

  /** The API server first (SIGTERM): stopping etcd under it makes it hang for half a minute. */
  private synchronized void stopProcesses() {
    stopProcess(apiServer);
    stopProcess(etcd);
  }

  private static void stopProcess(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("[KubeApiServer] could not delete " + root + ": " + e);
    }
  }

  /** An API client authenticated as the admin ({@code system:masters}). */
  public ApiClient client() {
    requireStarted();
    return client;
  }

  /**
   * A client for {@code token} (e.g. a ServiceAccount token from TokenRequest), trusting this
   * server; a {@code readTimeout} of zero suits informers.
   */
  public ApiClient clientFor(String bearerToken, Duration readTimeout) {
    requireStarted();
    try {
      return new ClientBuilder()
          .setBasePath(url())
          .setCertificateAuthority(caBundlePem())
          .setAuthentication(new AccessTokenAuthentication(bearerToken))
          .setReadTimeout(readTimeout)
          .build();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot build a client for " + url(), e);
    }
  }

  /** A kubeconfig file for the admin (certificate-authority-data and token embedded). */
  public Path kubeconfig() {
    requireStarted();
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
    return "https://127.0.0.1:" + apiPort;
  }

  /** The admin's bearer token. */
  public String token() {
    requireStarted();
    return token;
  }

  /** Where {@code kube-apiserver} and {@code etcd} were found. */
  public Path binDir() {
    requireStarted();
    return binDir;
  }

  /** How long the last start (etcd and kube-apiserver until ready) took. */
  public Duration startTime() {
    return lastStartTime;
  }

  /** The PEM the API server's serving certificate chains to (kube-apiserver made it). */
  public byte[] caBundlePem() {
    requireStarted();
    try {
      return Files.readAllBytes(dir.resolve("certs/apiserver.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  private void requireStarted() {
    if (dir == null) {
      throw new IllegalStateException(
          "KubeApiServer is not running: register it with @RegisterExtension on a static field");
    }
  }

  private Path writeKubeconfig() throws IOException {
    String ca = Base64.getEncoder().encodeToString(caBundlePem());
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
            .formatted(url(), ca, token);
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, yaml);
    return file;
  }

  private void writeServiceAccountKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        insecureHttp.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? response.body() : "";
  }

  /** Only for readiness polls: the serving certificate does not exist before the server starts. */
  private static HttpClient insecureHttpClient() throws Exception {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {trustAll}, RANDOM);
    return HttpClient.newBuilder()
        .sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(url());
    if (dir != null) {
      parts.add(dir.toString());
    }
    return "KubeApiServer" + parts;
  }
}
