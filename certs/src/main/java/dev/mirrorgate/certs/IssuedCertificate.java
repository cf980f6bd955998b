package dev.mirrorgate.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A leaf certificate with its private key and chain.
 *
 * @param chain the leaf first, then its issuing CA: the order a TLS server sends and {@link
 *     java.security.KeyStore#setKeyEntry} expects
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

  /** Checks that the chain starts with the leaf. */
  public IssuedCertificate {
    chain = List.copyOf(chain);
    if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
      throw new IllegalArgumentException("the chain must start with the leaf certificate");
    }
  }

  /** The leaf alone, as PEM. */
  public String certificatePem() {
    return Pem.encodeCertificates(List.of(certificate));
  }

  /** The leaf then the issuing CA, as PEM (what goes into a {@code tls.crt}). */
  public String certificateChainPem() {
    return Pem.encodeCertificates(chain);
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }

  /** Omits the key material, so a log line never carries it. */
  @Override
  public String toString() {
    return "IssuedCertificate[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", serial="
        + certificate.getSerialNumber().toString(16)
        + ", notAfter="
        + certificate.getNotAfter().toInstant()
        + "]";
  }
}
