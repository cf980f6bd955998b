package dev.mirrorgate.certs;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CA certificates clients trust: during a CA rotation both the old and the new CA, until the
 * old one expires.
 *
 * <p>Rotation is one pure step, {@link #rotate}: add the active CA, drop the expired ones. Leaves
 * signed by either CA verify against the bundle throughout the overlap. The order is canonical
 * (latest notAfter first, then by fingerprint, no duplicates), so the same set of CAs always
 * renders the same PEM bytes and a caBundle or ConfigMap is only rewritten when the set changes.
 */
public record CaBundle(List<X509Certificate> certificates) {
  private static final Comparator<X509Certificate> NEWEST_FIRST =
      Comparator.comparing((X509Certificate cert) -> cert.getNotAfter().toInstant())
          .reversed()
          .thenComparing(Fingerprints::sha256);

  /** Sorts and de-duplicates the certificates. */
  public CaBundle {
    Map<String, X509Certificate> unique = new LinkedHashMap<>();
    for (X509Certificate cert : certificates) {
      unique.putIfAbsent(Fingerprints.sha256(cert), cert);
    }
    List<X509Certificate> sorted = new ArrayList<>(unique.values());
    sorted.sort(NEWEST_FIRST);
    certificates = List.copyOf(sorted);
  }

  /** A bundle trusting nothing yet. */
  public static CaBundle empty() {
    return new CaBundle(List.of());
  }

  /** A bundle of the given CA certificates. */
  public static CaBundle of(Collection<X509Certificate> certificates) {
    return new CaBundle(List.copyOf(certificates));
  }

  /**
   * The bundle in a PEM text (for example a webhook's caBundle or a Secret's {@code ca.crt}).
   *
   * @throws CertificateException when the text is not a list of certificates
   */
  public static CaBundle parse(String pem) throws CertificateException {
    return new CaBundle(Pem.readCertificates(pem));
  }

  /** This bundle plus {@code ca}. */
  public CaBundle with(X509Certificate ca) {
    List<X509Certificate> all = new ArrayList<>(certificates);
    all.add(ca);
    return new CaBundle(all);
  }

  /** This bundle without the certificates expired at {@code now}. */
  public CaBundle withoutExpired(Instant now) {
    return new CaBundle(
        certificates.stream()
            .filter(cert -> !cert.getNotAfter().toInstant().isBefore(now))
            .toList());
  }

  /**
   * One rotation step: trust {@code activeCa} (the CA that signs new leaves) and keep the older CAs
   * only until they expire.
   */
  public CaBundle rotate(X509Certificate activeCa, Instant now) {
    return with(activeCa).withoutExpired(now);
  }

  /** Whether {@code ca} is in the bundle. */
  public boolean contains(X509Certificate ca) {
    return certificates.contains(ca);
  }

  /** The certificates as concatenated PEM blocks, in canonical order. */
  public String pem() {
    return Pem.encodeCertificates(certificates);
  }

  /** Lists subjects, fingerprints and expiry dates. */
  @Override
  public String toString() {
    return certificates.stream()
        .map(
            cert ->
                cert.getSubjectX500Principal().getName()
                    + " sha256="
                    + Fingerprints.sha256(cert)
                    + " notAfter="
                    + cert.getNotAfter().toInstant())
        .toList()
        .toString();
  }
}
