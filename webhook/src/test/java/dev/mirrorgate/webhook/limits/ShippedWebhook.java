package dev.mirrorgate.webhook.limits;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The shaded jar run as the Deployment runs it: {@code serve} with the {@code JAVA_TOOL_OPTIONS}
 * and {@code MALLOC_ARENA_MAX} of {@code manifests/kustomize/base/deployment.yaml} (read from it,
 * so a change of the shipped flags is what these tests measure), a self-signed certificate and a
 * mapping file. Raw TLS sockets speak to it, from any loopback source address, so that tests can be
 * the attacker the limits are for.
 */
final class ShippedWebhook implements AutoCloseable {
  static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  static final Path DEPLOYMENT = Path.of("../manifests/kustomize/base/deployment.yaml");
  static final long RSS_LIMIT_MIB = 160;

  final Process process;
  final int port;
  final Path log;
  private final SSLContext trustAll;

  private ShippedWebhook(Process process, int port, Path log) throws Exception {
    this.process = process;
    this.port = port;
    this.log = log;
    this.trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new TrustAll()}, null);
  }

  /** The container environment the Deployment gives the webhook. */
  static Map<String, String> shippedEnv() throws IOException {
    JsonNode deployment = new YAMLMapper().readTree(Files.readString(DEPLOYMENT));
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText().strip());
      }
    }
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      throw new IllegalStateException(DEPLOYMENT + ": the webhook sets no JAVA_TOOL_OPTIONS");
    }
    return env;
  }

  static ShippedWebhook start(Path dir, Path mapping) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile(dir, "webhook", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                String.valueOf(port),
                "--bind-address",
                "127.0.0.1",
                "--tls-self-signed",
                "--mapping",
                mapping.toString(),
                "--reload-interval",
                "200ms")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(shippedEnv());
    ShippedWebhook webhook = new ShippedWebhook(builder.start(), port, log);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> webhook.get("/readyz").startsWith("HTTP/1.1 200"));
    return webhook;
  }

  /** A TLS connection from {@code source} (a loopback address), handshake done. */
  SSLSocket connect(String source) throws IOException {
    Socket plain = new Socket();
    plain.bind(new InetSocketAddress(source, 0));
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    plain.setSoTimeout(20_000);
    SSLSocket tls =
        (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "localhost", port, true);
    tls.startHandshake();
    return tls;
  }

  /**
   * A TLS connection from {@code source}, or null when the server closed it during the handshake.
   */
  SSLSocket connectOrNull(String source) {
    try {
      return connect(source);
    } catch (IOException refused) {
      return null;
    }
  }

  /** One request on a new connection; the whole answer (status line, headers, body) as text. */
  String exchange(String source, byte[] request) throws IOException {
    try (SSLSocket socket = connect(source)) {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return readAnswer(socket.getInputStream());
    }
  }

  String get(String path) throws IOException {
    return exchange(
        "127.0.0.1",
        ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.UTF_8));
  }

  static byte[] post(byte[] body) {
    byte[] head =
        ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Reads one HTTP/1.1 answer with a Content-Length body (or none). */
  static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.size() + " bytes: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    if (headers.startsWith("HTTP/1.1 100")) {
      return headers + readAnswer(in);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
    byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  /** The Prometheus text of {@code /metrics}. */
  String metrics() throws IOException {
    return get("/metrics");
  }

  /** The value of one sample line of {@code /metrics}, e.g. {@code mirrorgate_connections_open}. */
  double metric(String sample) throws IOException {
    for (String line : metrics().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  /** Resident set size now, in MiB. */
  long rssMib() throws IOException {
    return status("VmRSS:");
  }

  /** The highest resident set size so far, in MiB. */
  long peakRssMib() throws IOException {
    return status("VmHWM:");
  }

  private long status(String field) throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    throw new IllegalStateException("no " + field);
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  /** A review of a Pod with one container, padded in a skipped part ({@code oldObject}). */
  static byte[] review(int padding) {
    String prefix =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{"
            + "\"uid\":\"u1\",\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
            + "\"operation\":\"UPDATE\",\"namespace\":\"n\",\"name\":\"p\",\"object\":{\"metadata\":"
            + "{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}},"
            + "\"oldObject\":{\"metadata\":{\"annotations\":{\"pad\":\"";
    String suffix = "\"}}}}}";
    return (prefix + "x".repeat(padding) + suffix).getBytes(StandardCharsets.UTF_8);
  }

  /** A review whose whole encoding is exactly {@code bytes} long. */
  static byte[] reviewOfSize(int bytes) {
    return review(bytes - review(0).length);
  }

  static List<String> sources(int count) {
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sources.add("127.0.1." + (i + 1));
    }
    return sources;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
