package dev.mirrorgate.certs.store;

import java.util.Locale;

/**
 * Something wrong with the stored or served certificates, with a bounded reason (a metric label)
 * and a message saying what and where.
 */
public record CertificateProblem(Reason reason, String message) {

  /** Why a certificate cannot be used as it is. */
  public enum Reason {
    /** Past its notAfter. */
    EXPIRED,
    /** Before its notBefore. */
    NOT_YET_VALID,
    /** The private key does not belong to the certificate. */
    MISMATCH,
    /** The PEM or the Secret is not what it must be. */
    MALFORMED,
    /** The Kubernetes API refused or failed a request. */
    API;

    /** The metric label: {@code expired}, {@code not_yet_valid}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
