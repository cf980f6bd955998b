package dev.mirrorgate.webhook.owned;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A CA made with the certs module, as the controller makes mirrorgate's, for the ITs. */
public record TestCa(CertificateAuthority ca) {

  public static TestCa create(String name) {
    return new TestCa(
        CertificateAuthority.create(
            name, Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC()));
  }

  public String pem() {
    return ca.certificatePem();
  }

  public IssuedCertificate issue(CertificateNames names) {
    return ca.issue(names.leafSpec(Duration.ofHours(2)));
  }

  /** A leaf for 127.0.0.1 (a test server's address). */
  public IssuedCertificate loopback() {
    return ca.issue(
        LeafSpec.server(
            "127.0.0.1", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(2)));
  }

  /** A directory holding {@code ca.crt}: what skopeo's {@code --cert-dir} trusts. */
  public Path certDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ca.crt"), pem());
    return dir;
  }

  /** A file holding the CA, for {@code SSL_CERT_FILE}. */
  public Path file(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, pem());
  }

  /** A server context presenting {@code leaf}. */
  public static SSLContext serverContext(IssuedCertificate leaf)
      throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "leaf", leaf.privateKey(), new char[0], leaf.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  /** A client context trusting only this CA. */
  public SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
