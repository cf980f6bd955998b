package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Real TLS over 127.0.0.1 with the JDK's own stack: a server presenting an issued chain, a client
 * that trusts only the given CAs and verifies the host name the way HTTPS clients do.
 */
class TlsHandshakeTest {
  private static final char[] PASSWORD = "unused".toCharArray();
  private static final Clock CLOCK = Clock.systemUTC(); // JSSE validates against the real time
  private static final CertificateAuthority CA =
      CertificateAuthority.create("tls test CA", Duration.ofDays(30), KeyAlgorithm.EC_P256, CLOCK);
  private static final IssuedCertificate SERVER =
      CA.issue(
          LeafSpec.server(
              "server", List.of("localhost"), List.of("127.0.0.1", "::1"), Duration.ofDays(1)));

  @Test
  void clientTrustingTheCaAcceptsTheLeafByIpAddress() throws Exception {
    assertThat(handshake(SERVER, "127.0.0.1", CA.certificate())).isEqualTo("hello");
  }

  @Test
  void clientTrustingTheCaAcceptsTheLeafByDnsName() throws Exception {
    assertThat(handshake(SERVER, "localhost", CA.certificate())).isEqualTo("hello");
  }

  @Test
  void clientTrustingAnotherCaRejectsTheLeaf() {
    CertificateAuthority other =
        CertificateAuthority.create("other CA", Duration.ofDays(30), KeyAlgorithm.EC_P256, CLOCK);
    assertThatThrownBy(() -> handshake(SERVER, "127.0.0.1", other.certificate()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path");
  }

  @Test
  void clientRejectsANameThatIsNotInTheLeaf() {
    assertThatThrownBy(() -> handshake(SERVER, "other.example", CA.certificate()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("other.example");
  }

  @Test
  void clientRejectsAnExpiredLeaf() {
    Clock lastMonth = Clock.fixed(Instant.now().minus(Duration.ofDays(20)), ZoneOffset.UTC);
    CertificateAuthority ca =
        CertificateAuthority.create("old CA", Duration.ofDays(60), KeyAlgorithm.EC_P256, lastMonth);
    IssuedCertificate expired =
        ca.issue(LeafSpec.server("server", List.of(), List.of("127.0.0.1"), Duration.ofDays(1)));
    assertThatThrownBy(() -> handshake(expired, "127.0.0.1", ca.certificate()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void rsaCaAndRsaLeafHandshake() throws Exception {
    CertificateAuthority rsaCa =
        CertificateAuthority.create("rsa CA", Duration.ofDays(30), KeyAlgorithm.RSA_2048, CLOCK);
    IssuedCertificate rsaLeaf =
        rsaCa.issue(
            new LeafSpec(
                "server",
                List.of("localhost"),
                List.of("127.0.0.1"),
                Duration.ofDays(1),
                KeyAlgorithm.RSA_2048));
    assertThat(rsaCa.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(handshake(rsaLeaf, "127.0.0.1", rsaCa.certificate())).isEqualTo("hello");
  }

  @Test
  void duringCaRotationABundleOfBothCasTrustsLeavesOfEither() throws Exception {
    CertificateAuthority next =
        CertificateAuthority.create("next CA", Duration.ofDays(60), KeyAlgorithm.EC_P256, CLOCK);
    IssuedCertificate fromNext =
        next.issue(LeafSpec.server("server", List.of(), List.of("127.0.0.1"), Duration.ofDays(1)));
    CaBundle bundle = CaBundle.empty().rotate(CA.certificate(), Instant.now());
    bundle = bundle.rotate(next.certificate(), Instant.now());
    X509Certificate[] trusted =
        CaBundle.parse(bundle.pem()).certificates().toArray(X509Certificate[]::new);

    assertThat(handshake(SERVER, "127.0.0.1", trusted)).isEqualTo("hello");
    assertThat(handshake(fromNext, "127.0.0.1", trusted)).isEqualTo("hello");
  }

  /** Serves {@code leaf} on 127.0.0.1:0, connects as {@code host}, returns what the server sent. */
  private static String handshake(IssuedCertificate leaf, String host, X509Certificate... trusted)
      throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext(leaf).getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      server.setSoTimeout(10_000);
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.setSoTimeout(10_000);
                  socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                  socket.getOutputStream().flush();
                } catch (IOException expectedWhenTheClientRejectsUs) {
                  // the client's verdict is what the test asserts
                }
              });
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(loopback, server.getLocalPort()), 10_000);
        plain.setSoTimeout(10_000);
        try (SSLSocket client =
            (SSLSocket)
                clientContext(trusted)
                    .getSocketFactory()
                    .createSocket(plain, host, server.getLocalPort(), true)) {
          SSLParameters parameters = client.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          client.setSSLParameters(parameters);
          client.startHandshake();
          return new String(client.getInputStream().readNBytes(5), StandardCharsets.UTF_8);
        }
      } finally {
        served.get(15, TimeUnit.SECONDS);
      }
    }
  }

  private static SSLContext serverContext(IssuedCertificate leaf) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server", leaf.privateKey(), PASSWORD, leaf.chain().toArray(Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext clientContext(X509Certificate... trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      trust.setCertificateEntry("ca" + i, trusted[i]);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
