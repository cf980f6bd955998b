package dev.mirrorgate.certs;

import java.security.cert.CertificateException;

/** A private key that does not belong to the certificate it was paired with. */
public final class KeyMismatchException extends CertificateException {
  public KeyMismatchException(String message) {
    super(message);
  }
}
