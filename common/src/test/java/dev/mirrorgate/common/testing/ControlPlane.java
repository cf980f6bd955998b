package dev.mirrorgate.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The two processes behind {@link KubeApiServer}: etcd and kube-apiserver on random loopback ports,
 * with their files (data, generated serving certificate, token file, service-account keys, logs) in
 * one temporary directory.
 */
final class ControlPlane {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path binDir;
  private final Path dir;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiPort;
  private final String token;
  private final List<String> extraApiServerArgs;
  private final List<String> extraTokenLines;
  private final HttpClient readinessHttp;
  private Process etcd;
  private Process apiServer;

  private ControlPlane(
      Path binDir, Path dir, List<String> extraApiServerArgs, List<String> extraTokenLines)
      throws Exception {
    this.binDir = binDir;
    this.dir = dir;
    this.extraApiServerArgs = List.copyOf(extraApiServerArgs);
    this.extraTokenLines = List.copyOf(extraTokenLines);
    this.etcdPort = freePort();
    this.etcdPeerPort = freePort();
    this.apiPort = freePort();
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    this.readinessHttp = trustingAnyCertificate();
  }

  /**
   * Prepares a directory; nothing runs yet. {@link #start()} then runs etcd and kube-apiserver, and
   * {@link #stop()} always removes the directory.
   */
  static ControlPlane in(Path binDir) throws Exception {
    return new ControlPlane(
        binDir, Files.createTempDirectory("mirrorgate-kube-"), List.of(), List.of());
  }

  /**
   * Like {@link #in(Path)}, in {@code dir} (created), with further kube-apiserver flags and further
   * lines of its token file ({@code token,user,uid,"group1,group2"}): what {@link KubeCluster}
   * needs for a kubelet and in-cluster clients.
   */
  static ControlPlane in(
      Path binDir, Path dir, List<String> extraApiServerArgs, List<String> extraTokenLines)
      throws Exception {
    return new ControlPlane(
        binDir, Files.createDirectories(dir), extraApiServerArgs, extraTokenLines);
  }

  int port() {
    return apiPort;
  }

  /** The key kube-apiserver signs ServiceAccount tokens with (PEM). */
  Path serviceAccountKey() {
    return dir.resolve("sa.key");
  }

  Path dir() {
    return dir;
  }

  String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  String token() {
    return token;
  }

  /** Starts etcd, then kube-apiserver; returns when /readyz says ok. */
  void start() throws Exception {
    StringBuilder tokens = new StringBuilder(token + ",mg-admin,mg-admin-uid,\"system:masters\"\n");
    extraTokenLines.forEach(line -> tokens.append(line).append('\n'));
    Files.writeString(dir.resolve("tokens.csv"), tokens);
    writeServiceAccountKeys();
    etcd = launch("etcd", etcdCommand());
    Poll.until(
        "etcd healthy on port " + etcdPort,
        READY_TIMEOUT,
        POLL,
        () -> {
          requireAlive(etcd, "etcd");
          return get("http://127.0.0.1:" + etcdPort + "/health").contains("\"true\"");
        });
    startApiServer();
  }

  /** Stops kube-apiserver and starts it again on the same port, etcd and certificate. */
  void restartApiServer() throws Exception {
    stop(apiServer);
    startApiServer();
  }

  /** The API server first (SIGTERM): stopping etcd under it makes it hang for half a minute. */
  synchronized void stopProcesses() {
    stop(apiServer);
    stop(etcd);
  }

  /** Stops both processes and deletes the directory. */
  void stop() {
    stopProcesses();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("[KubeApiServer] could not delete " + dir + ": " + e);
    }
  }

  /** The PEM kube-apiserver generated for its serving certificate (leaf and its CA). */
  byte[] caBundlePem() {
    try {
      return Files.readAllBytes(dir.resolve("certs/apiserver.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of {@code etcd.log} or {@code kube-apiserver.log}. */
  String logTail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve(name + ".log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private List<String> etcdCommand() {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    return List.of(
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
        "--log-level=warn");
  }

  private List<String> apiServerCommand() {
    List<String> command = new ArrayList<>(apiServerBaseCommand());
    command.addAll(extraApiServerArgs);
    return command;
  }

  private List<String> apiServerBaseCommand() {
    return List.of(
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
        "--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook");
  }

  private void startApiServer() throws Exception {
    apiServer = launch("kube-apiserver", apiServerCommand());
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
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  private void requireAlive(Process process, String name) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with status " + process.exitValue() + ":\n" + logTail(name, 30));
    }
  }

  private static void stop(Process process) {
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
        readinessHttp.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? response.body() : "";
  }

  /** Only for readiness polls: the serving certificate does not exist before the server starts. */
  private static HttpClient trustingAnyCertificate() throws Exception {
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
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
