package dev.mirrorgate.webhook.tls;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;

/**
 * A serving certificate chain and its key, parsed and checked (the key must belong to the leaf).
 * Equality is by the PEM bytes, so a reload that reads the same bytes is recognized as no change.
 */
public final class TlsMaterial {
  private static final char[] IN_MEMORY = new char[0];

  private final Buffer certificateChainPem;
  private final Buffer privateKeyPem;
  private final IssuedCertificate certificate;

  private TlsMaterial(Buffer chainPem, Buffer keyPem, IssuedCertificate certificate) {
    this.certificateChainPem = chainPem;
    this.privateKeyPem = keyPem;
    this.certificate = certificate;
  }

  /**
   * Parses a PEM chain (leaf first) and key.
   *
   * @throws CertificateException naming what is wrong: malformed PEM, an encrypted key, or a key
   *     that does not belong to the certificate
   */
  public static TlsMaterial fromPem(Buffer chainPem, Buffer keyPem) throws CertificateException {
    IssuedCertificate parsed = IssuedCertificate.fromPem(chainPem.toString(), keyPem.toString());
    return new TlsMaterial(chainPem, keyPem, parsed);
  }

  /** A certificate issued in memory (for example by the Secret-backed store). */
  public static TlsMaterial of(IssuedCertificate issued) {
    return new TlsMaterial(
        Buffer.buffer(issued.certificateChainPem()), Buffer.buffer(issued.privateKeyPem()), issued);
  }

  /**
   * A throwaway certificate for local use, from a CA that lives only in memory; it names {@code
   * localhost}, 127.0.0.1 and ::1.
   */
  public static TlsMaterial selfSigned(Clock clock) {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "mirrorgate self-signed CA", Duration.ofDays(7), KeyAlgorithm.EC_P256, clock);
    IssuedCertificate leaf =
        ca.issue(
            LeafSpec.server(
                "localhost",
                List.of("localhost"),
                List.of("127.0.0.1", "::1"),
                Duration.ofDays(7)));
    return new TlsMaterial(
        Buffer.buffer(leaf.certificateChainPem()), Buffer.buffer(leaf.privateKeyPem()), leaf);
  }

  /**
   * What a client must trust for this certificate: the last certificate of the chain (the CA that
   * issued the leaf, or the leaf itself when it stands alone), as PEM.
   */
  public String trustAnchorPem() {
    List<X509Certificate> chain = certificate.chain();
    return dev.mirrorgate.certs.Pem.encodeCertificates(List.of(chain.get(chain.size() - 1)));
  }

  /** The leaf being served. */
  public X509Certificate leaf() {
    return certificate.certificate();
  }

  public Buffer certificateChainPem() {
    return certificateChainPem;
  }

  /**
   * Key material for Vert.x, as a ready key manager: Netty is never handed PEM, so it never loads a
   * PEM parser of its own.
   */
  public KeyCertOptions keyCertOptions() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "serving",
          certificate.privateKey(),
          IN_MEMORY,
          certificate.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY);
      return KeyCertOptions.wrap(factory);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a key manager for the serving certificate", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TlsMaterial that
        && certificateChainPem.equals(that.certificateChainPem)
        && privateKeyPem.equals(that.privateKeyPem);
  }

  @Override
  public int hashCode() {
    return certificateChainPem.hashCode();
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + leaf().getSubjectX500Principal().getName() + "]";
  }
}
