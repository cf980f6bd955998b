package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.store.CertificateListener;
import dev.mirrorgate.certs.store.CertificateProblem;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the Secret-backed certificate source and the controller's server: the latest certificate
 * is served without a restart; problems are logged (by the source) and counted.
 */
public final class ServingCertificates implements CertificateListener {
  private static final Logger log = LoggerFactory.getLogger(ServingCertificates.class);

  private final ControllerMetrics metrics;
  private volatile TlsMaterial latest;
  private final java.util.List<
          java.util.function.Function<TlsMaterial, io.vertx.core.Future<Boolean>>>
      targets = new java.util.concurrent.CopyOnWriteArrayList<>();

  public ServingCertificates(ControllerMetrics metrics) {
    this.metrics = metrics;
  }

  public TlsMaterial latest() {
    return latest;
  }

  public synchronized void attach(ControllerServer target) {
    attach(target::updateTls);
  }

  /** Another server of this certificate (the UI port): it gets every renewed one too. */
  public synchronized void attach(
      java.util.function.Function<TlsMaterial, io.vertx.core.Future<Boolean>> target) {
    targets.add(target);
  }

  @Override
  public synchronized void serving(IssuedCertificate certificate) {
    latest = TlsMaterial.of(certificate);
    for (var target : targets) {
      target
          .apply(latest)
          .onFailure(e -> log.error("cannot serve the renewed certificate: {}", e.getMessage()));
    }
  }

  @Override
  public void problem(CertificateProblem problem) {
    metrics.certificateProblem(problem.reason().label());
  }
}
