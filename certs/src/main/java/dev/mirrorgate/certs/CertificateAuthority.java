package dev.mirrorgate.certs;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A self-signed root CA that issues TLS server leaves. Immutable and thread-safe.
 *
 * <p>The CA certificate has basicConstraints CA:TRUE with pathLen 0 (it signs leaves only) and
 * keyUsage keyCertSign + cRLSign, both critical. Leaves get basicConstraints CA:FALSE (critical),
 * keyUsage digitalSignature (+ keyEncipherment for RSA keys), extendedKeyUsage serverAuth, the
 * subjectAltNames of their {@link LeafSpec}, subject and authority key identifiers, and a random
 * 159-bit serial.
 *
 * <p><b>Clock skew.</b> Every certificate's notBefore is set {@link #CLOCK_SKEW_ALLOWANCE} (5
 * minutes) before the injected clock's now, so a peer whose clock runs a little behind ours still
 * accepts a certificate the moment it is issued. A leaf's notBefore is never earlier than the CA's,
 * and its notAfter is capped at the CA's notAfter: a leaf cannot outlive its issuer.
 */
public final class CertificateAuthority {
  /** How far notBefore is backdated from now. */
  public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

  private static final Set<String> SIGNING_KEY_ALGORITHMS = Set.of("EC", "RSA");

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clock = clock;
  }

  /** A new CA with a fresh key, valid from now (backdated for skew) for {@code validity}. */
  public static CertificateAuthority create(
      String commonName, Duration validity, KeyAlgorithm algorithm, Clock clock) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("CA commonName must not be blank");
    }
    if (commonName.length() > LeafSpec.MAX_COMMON_NAME) {
      throw new IllegalArgumentException(
          "CA commonName \"" + commonName + "\" is longer than 64 characters");
    }
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("CA validity must be positive, got " + validity);
    }
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(clock, "clock");
    SecureRandom random = new SecureRandom();
    KeyPair keys = algorithm.generateKeyPair(random);
    Instant now = now(clock);
    X509Certificate certificate =
        CertificateProfiles.rootCa(
            commonName, keys, now.minus(CLOCK_SKEW_ALLOWANCE), now.plus(validity), random);
    return new CertificateAuthority(certificate, keys.getPrivate(), clock);
  }

  /**
   * The CA stored as PEM (for example in a Secret's {@code tls.crt} and {@code tls.key}).
   *
   * @throws CertificateException when the PEM is malformed, holds other than one certificate, the
   *     certificate is not a CA, or the key does not belong to it
   */
  public static CertificateAuthority load(String certificatePem, String privateKeyPem, Clock clock)
      throws CertificateException {
    List<X509Certificate> certs = Pem.readCertificates(certificatePem);
    if (certs.size() != 1) {
      throw new CertificateException(
          "CA certificate PEM must hold exactly one certificate, found " + certs.size());
    }
    return of(certs.get(0), Pem.readPrivateKey(privateKeyPem), clock);
  }

  /**
   * The CA from its certificate and key.
   *
   * @throws CertificateException when the certificate is not a CA or the key does not belong to it
   */
  public static CertificateAuthority of(
      X509Certificate certificate, PrivateKey privateKey, Clock clock) throws CertificateException {
    Objects.requireNonNull(clock, "clock");
    String subject = "\"" + certificate.getSubjectX500Principal().getName() + "\"";
    if (certificate.getBasicConstraints() < 0) {
      throw new CertificateException(
          "certificate " + subject + " is not a CA: it lacks basicConstraints CA:TRUE");
    }
    boolean[] keyUsage = certificate.getKeyUsage();
    if (keyUsage != null && (keyUsage.length <= 5 || !keyUsage[5])) {
      throw new CertificateException(
          "CA certificate " + subject + " may not sign certificates: keyUsage lacks keyCertSign");
    }
    if (!SIGNING_KEY_ALGORITHMS.contains(privateKey.getAlgorithm())) {
      throw new CertificateException(
          "CA key algorithm "
              + privateKey.getAlgorithm()
              + " is not supported; use an EC or RSA key");
    }
    if (!CertificateSigner.matches(certificate.getPublicKey(), privateKey)) {
      throw new KeyMismatchException(
          "the private key ("
              + privateKey.getAlgorithm()
              + ") does not belong to the CA certificate "
              + subject);
    }
    return new CertificateAuthority(certificate, privateKey, clock);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The CA certificate as PEM: what clients trust (a webhook's caBundle, a runtime's ca.crt). */
  public String certificatePem() {
    return Pem.encodeCertificates(List.of(certificate));
  }

  /** The CA's private key as unencrypted PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }

  /**
   * A new leaf with a fresh key, signed by this CA.
   *
   * @throws IllegalStateException when the CA is expired or not yet valid at the clock's now
   */
  public IssuedCertificate issue(LeafSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Instant now = now(clock);
    Instant caNotBefore = certificate.getNotBefore().toInstant();
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (now.isBefore(caNotBefore)) {
      throw new IllegalStateException(
          "CA "
              + certificate.getSubjectX500Principal().getName()
              + " is not valid before "
              + caNotBefore
              + " (now is "
              + now
              + ")");
    }
    if (!now.isBefore(caNotAfter)) {
      throw new IllegalStateException(
          "CA "
              + certificate.getSubjectX500Principal().getName()
              + " expired at "
              + caNotAfter
              + "; renew the CA before issuing");
    }
    Instant notBefore = latest(now.minus(CLOCK_SKEW_ALLOWANCE), caNotBefore);
    Instant notAfter = earliest(now.plus(spec.validity()), caNotAfter);
    KeyPair keys = spec.algorithm().generateKeyPair(random);
    X509Certificate leaf =
        CertificateProfiles.serverLeaf(
            certificate, privateKey, spec, keys.getPublic(), notBefore, notAfter, random);
    return new IssuedCertificate(leaf, keys.getPrivate(), List.of(leaf, certificate));
  }

  /** Omits the key material, so a log line never carries it. */
  @Override
  public String toString() {
    return "CertificateAuthority[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", notAfter="
        + certificate.getNotAfter().toInstant()
        + ", sha256="
        + Fingerprints.sha256(certificate)
        + "]";
  }

  /** X.509 times have whole seconds; truncating keeps computed and encoded times equal. */
  private static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
