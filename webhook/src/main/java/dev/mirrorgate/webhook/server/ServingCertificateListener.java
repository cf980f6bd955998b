package dev.mirrorgate.webhook.server;

import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.store.CertificateListener;
import dev.mirrorgate.certs.store.CertificateProblem;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin adapter between a certificate source (in {@code certs}, no Vert.x) and the server: a new
 * certificate is swapped in with {@link WebhookServer#updateTls} (no restart, open connections
 * continue); its expiry and every problem become metrics.
 */
public final class ServingCertificateListener implements CertificateListener {
  private static final Logger log = LoggerFactory.getLogger(ServingCertificateListener.class);

  private final WebhookMetrics metrics;
  private final Clock clock;
  private volatile WebhookServer server;
  private volatile TlsMaterial latest;

  public ServingCertificateListener(WebhookMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The latest certificate, for the server's first listen. */
  public TlsMaterial latest() {
    return latest;
  }

  /** From now on, new certificates go to {@code target} (and the latest one at once if newer). */
  public synchronized void attach(WebhookServer target) {
    this.server = target;
    TlsMaterial material = latest;
    if (material != null && !material.equals(target.tls())) {
      update(target, material);
    }
  }

  @Override
  public synchronized void serving(IssuedCertificate certificate) {
    TlsMaterial material = TlsMaterial.of(certificate);
    latest = material;
    metrics.servingCertificate(certificate.certificate().getNotAfter().toInstant(), clock);
    WebhookServer target = server;
    if (target != null && !material.equals(target.tls())) {
      update(target, material);
    }
  }

  @Override
  public void problem(CertificateProblem problem) {
    metrics.certificateError(problem.reason().label());
  }

  private static void update(WebhookServer target, TlsMaterial material) {
    target
        .updateTls(material)
        .onSuccess(v -> log.info("serving certificate swapped in: {}", material))
        .onFailure(
            e ->
                log.error(
                    "new certificate {} rejected, the previous one keeps serving: {}",
                    material,
                    e.getMessage()));
  }
}
