package dev.mirrorgate.certs;

/**
 * Where a TLS server gets its certificate (after cert-manager's {@code CertificateSource}): the
 * current certificate, a start that returns once there is one, and whether it is healthy. Changes
 * are pushed to the listener given at construction.
 */
public interface CertificateSource extends AutoCloseable {
  /** Obtains the first certificate and starts renewing; returns once {@link #current()} is set. */
  void start() throws Exception;

  /** The certificate to serve now; null before {@link #start()}. */
  IssuedCertificate current();

  /** Whether the current certificate is valid now. */
  boolean healthy();

  /** Stops renewing. */
  @Override
  void close();
}
