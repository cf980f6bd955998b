package dev.mirrorgate.webhook.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.webhook.TestResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, the smaller findings, against the jar with the shipped flags: requests without Host, for
 * {@code *} or unknown paths are answered by the server itself without an ERROR line (they logged
 * ERROR with a stack trace, unauthenticated log spam), and TLS 1.2 offers no CBC suite.
 */
class RequestHygieneIT {
  @TempDir static Path dir;
  static ShippedWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    Path mapping =
        Files.writeString(dir.resolve("mapping.yaml"), TestResources.text("mutation/mapping.yaml"));
    webhook = ShippedWebhook.start(dir, mapping);
  }

  @AfterAll
  static void stop() throws Exception {
    webhook.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no Host              | GET /healthz HTTP/1.1\\r\\n\\r\\n                      | 400
          OPTIONS *            | OPTIONS * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n            | 404
          unknown path         | GET /admin HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n           | 404
          GET /mutate          | GET /mutate HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n          | 405
          POST /livez          | POST /livez HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\n\\r\\n | 405
          unknown Expect       | POST /mutate HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 2\\r\\nExpect: x\\r\\n\\r\\n | 417
          HTTP/1.0 without Host| GET /livez HTTP/1.0\\r\\n\\r\\n                        | 200
          """)
  void oddRequestsAreAnsweredQuietly(String name, String request, int status) throws Exception {
    String raw = request.strip().replace("\\r\\n", "\r\n");
    String answer = webhook.exchange("127.0.0.1", raw.getBytes(StandardCharsets.US_ASCII));
    assertThat(answer)
        .startsWith("HTTP/1." + (raw.contains("HTTP/1.0") ? "0" : "1") + " " + status);
    assertThat(webhook.logText())
        .as("no log line for an unauthenticated oddity")
        .doesNotContain("\"level\":\"ERROR\"")
        .doesNotContain("stack_trace");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, false",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, false",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true",
    "TLSv1.3, TLS_AES_128_GCM_SHA256, true"
  })
  void onlyAeadSuitesAreOffered(String protocol, String suite, boolean accepted) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, null);
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", webhook.port), 5000);
    plain.setSoTimeout(10_000);
    try (SSLSocket tls =
        (SSLSocket)
            context.getSocketFactory().createSocket(plain, "localhost", webhook.port, true)) {
      tls.setEnabledProtocols(new String[] {protocol});
      tls.setEnabledCipherSuites(new String[] {suite});
      if (accepted) {
        tls.startHandshake();
        assertThat(tls.getSession().getCipherSuite()).isEqualTo(suite);
      } else {
        assertThatThrownBy(tls::startHandshake).isInstanceOf(IOException.class);
      }
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }
}
