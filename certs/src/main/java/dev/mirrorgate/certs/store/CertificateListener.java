package dev.mirrorgate.certs.store;

import dev.mirrorgate.certs.IssuedCertificate;

/** What a certificate source tells its server and its metrics. */
public interface CertificateListener {
  /** A new serving certificate (different bytes from the previous one). */
  void serving(IssuedCertificate certificate);

  /** Something is wrong; the previous certificate keeps serving. */
  void problem(CertificateProblem problem);
}
