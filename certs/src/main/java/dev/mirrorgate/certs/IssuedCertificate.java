package dev.mirrorgate.certs;

import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A leaf certificate with its private key and chain.
 *
 * @param chain the leaf first, then its issuing CA: the order a TLS server sends and {@link
 *     java.security.KeyStore#setKeyEntry} expects. A chain given without the leaf (issuers only)
 *     gets the leaf put in front.
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

  /** Puts the leaf at the head of the chain when it is not there already. */
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    if (chain == null || chain.isEmpty() || !chain.get(0).equals(certificate)) {
      List<X509Certificate> withLeaf = new ArrayList<>();
      withLeaf.add(certificate);
      if (chain != null) {
        withLeaf.addAll(chain);
      }
      chain = withLeaf;
    }
    chain = List.copyOf(chain);
  }

  /**
   * A certificate and key read from PEM, as a TLS server is configured with them ({@code tls.crt}
   * holding the leaf then its issuers, {@code tls.key}).
   *
   * @throws CertificateException when either PEM is malformed; a {@link KeyMismatchException} when
   *     the key does not belong to the first certificate
   */
  public static IssuedCertificate fromPem(String certificateChainPem, String privateKeyPem)
      throws CertificateException {
    List<X509Certificate> chain = Pem.readCertificates(certificateChainPem);
    PrivateKey key = Pem.readPrivateKey(privateKeyPem);
    X509Certificate leaf = chain.get(0);
    if (!CertificateSigner.matches(leaf.getPublicKey(), key)) {
      throw new KeyMismatchException(
          "the private key ("
              + key.getAlgorithm()
              + ") does not belong to the certificate \""
              + leaf.getSubjectX500Principal().getName()
              + "\"");
    }
    return new IssuedCertificate(leaf, key, chain);
  }

  /**
   * Reads PEM that {@link #fromPem} accepted before (or that this process issued) without checking
   * again that the key belongs to the certificate, which costs a signature and its verification.
   *
   * @throws CertificateException when either PEM is malformed
   */
  public static IssuedCertificate fromCheckedPem(String certificateChainPem, String privateKeyPem)
      throws CertificateException {
    List<X509Certificate> chain = Pem.readCertificates(certificateChainPem);
    return new IssuedCertificate(chain.get(0), Pem.readPrivateKey(privateKeyPem), chain);
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
