package dev.mirrorgate.certs.store;

import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.certs.CertificateSource;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.store.CertificateProblem.Reason;
import dev.mirrorgate.certs.store.SecretCertificateStore.Stored;
import dev.mirrorgate.certs.store.SecretCertificateStore.Written;
import io.kubernetes.client.openapi.ApiException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate from the Secret-backed store: every {@code interval} one reconcile reads
 * the Secret (creating it if absent), applies what the {@link RotationPlanner} says is due, keeps
 * the webhook configuration's caBundle equal to the stored bundle (repairing hand edits), and hands
 * a changed leaf to the listener. One single-thread scheduler; errors are reported and the previous
 * certificate keeps serving.
 */
public final class SecretCertificateSource implements CertificateSource {
  private static final Logger log = LoggerFactory.getLogger(SecretCertificateSource.class);

  private final SecretCertificateStore store;
  private final CaBundleInjector injector;
  private final RotationPlanner planner;
  private final CertificateListener listener;
  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private volatile IssuedCertificate current;
  private volatile boolean closed;
  private CaBundle publishedBundle;
  private Instant publishedSince;
  private String lastReportedVersion;

  /**
   * @param injector where the CA bundle is published (a webhook configuration), or null when the
   *     clients learn the bundle otherwise (the controller's own endpoints: its registries read it
   *     from the Secret); the bundle then counts as published from the moment it is first seen
   */
  public SecretCertificateSource(
      SecretCertificateStore store,
      CaBundleInjector injector,
      RotationPlanner planner,
      CertificateListener listener,
      Duration interval) {
    this.store = Objects.requireNonNull(store, "store");
    this.injector = injector; // null: nothing to publish the CA bundle into
    this.planner = Objects.requireNonNull(planner, "planner");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "certificate-source " + store.describe());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reconciles until there is a certificate (retrying every interval, at most {@code 30 s} or ten
   * intervals), then keeps reconciling every interval.
   *
   * @throws IllegalStateException with the last error when no certificate could be obtained
   */
  @Override
  public void start() throws InterruptedException {
    long deadline =
        System.nanoTime() + Math.max(Duration.ofSeconds(30).toNanos(), interval.toNanos() * 10);
    String lastError = null;
    while (current == null) {
      lastError = reconcileOnce().orElse(null);
      if (current != null) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "no serving certificate from " + store.describe() + ": " + lastError);
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(interval.toNanos(), Duration.ofSeconds(1).toNanos()));
    }
    scheduler.scheduleWithFixedDelay(
        this::reconcileOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public IssuedCertificate current() {
    return current;
  }

  @Override
  public boolean healthy() {
    IssuedCertificate served = current;
    Instant now = planner.clock().instant();
    return served != null
        && !now.isAfter(served.certificate().getNotAfter().toInstant())
        && !now.isBefore(served.certificate().getNotBefore().toInstant());
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
  }

  /**
   * One reconcile: read or create, rotate what is due, inject the bundle, serve the leaf.
   *
   * @return the error, when it failed
   */
  synchronized Optional<String> reconcileOnce() {
    try {
      Stored stored = readOrCreate();
      Optional<RotationPlanner.Step> step = planner.next(stored.value(), published(stored));
      if (step.isPresent()) {
        Written written = store.replace(step.get().value(), stored.resourceVersion());
        log.info(
            "certificates in Secret {} {}: {} (signer {}, serving {})",
            store.describe(),
            written.won() ? "rotated" : "rotated by another replica, adopted",
            written.won() ? step.get().reasons() : "-",
            written.stored().value().signer(),
            written.stored().value().serving());
        stored = written.stored();
      }
      try {
        injectBundle(stored);
      } catch (ApiException e) {
        serve(stored.value().serving());
        return Optional.of(
            report(
                Reason.API,
                "cannot inject the caBundle into MutatingWebhookConfiguration "
                    + injector.configurationName()
                    + ": HTTP "
                    + e.getCode()
                    + " "
                    + Optional.ofNullable(e.getResponseBody()).orElse(e.getMessage())));
      }
      serve(stored.value().serving());
      return Optional.empty();
    } catch (CertificateException e) {
      return Optional.of(report(Reason.MALFORMED, e.getMessage()));
    } catch (ApiException e) {
      return Optional.of(
          report(
              Reason.API,
              "Kubernetes API: HTTP "
                  + e.getCode()
                  + " "
                  + Optional.ofNullable(e.getResponseBody()).orElse(e.getMessage())));
    } catch (RuntimeException e) {
      log.error("certificate reconcile failed for Secret {}", store.describe(), e);
      return Optional.of(report(Reason.API, String.valueOf(e)));
    }
  }

  /**
   * Since when the webhook configuration has been seen trusting the stored bundle (by this
   * replica); empty when it does not or cannot be read.
   */
  private Optional<Instant> published(Stored stored) {
    CaBundle bundle = stored.value().trusted();
    boolean holds;
    try {
      holds = injector == null || injector.holds(bundle);
    } catch (ApiException e) {
      holds = false; // reported by injectBundle
    }
    if (!holds) {
      publishedBundle = null;
      return Optional.empty();
    }
    if (!bundle.equals(publishedBundle)) {
      publishedBundle = bundle;
      publishedSince = planner.clock().instant();
    }
    return Optional.of(publishedSince);
  }

  private Stored readOrCreate() throws ApiException, CertificateException {
    Optional<Stored> read = store.read();
    if (read.isPresent()) {
      reportDecodeProblems(read.get());
      return read.get();
    }
    Written written = store.create(planner.initial());
    log.info(
        "Secret {} {}: signer {}, serving {}",
        store.describe(),
        written.won() ? "created with a new CA" : "created by another replica, adopted",
        written.stored().value().signer(),
        written.stored().value().serving());
    return written.stored();
  }

  /** Reports what is wrong with a stored leaf once per Secret version (it is reissued next). */
  private void reportDecodeProblems(Stored stored) {
    if (Objects.equals(stored.resourceVersion(), lastReportedVersion)) {
      return;
    }
    lastReportedVersion = stored.resourceVersion();
    for (CertificateProblem problem : stored.decoded().problems()) {
      report(problem.reason(), problem.message() + "; issuing a new leaf");
    }
    IssuedCertificate serving = stored.value().serving();
    if (serving != null) {
      Instant now = planner.clock().instant();
      if (now.isAfter(serving.certificate().getNotAfter().toInstant())) {
        report(
            Reason.EXPIRED,
            "Secret "
                + store.describe()
                + ": tls.crt expired at "
                + serving.certificate().getNotAfter().toInstant()
                + "; issuing a new leaf");
      }
    }
  }

  /**
   * Writes the bundle into the webhook configuration when it differs (a hand edit, or a newer
   * bundle), but only while our read of the Secret is still the latest, so a replica with a stale
   * view never overwrites a newer bundle.
   */
  private void injectBundle(Stored stored) throws ApiException, CertificateException {
    if (injector == null || injector.holds(stored.value().trusted())) {
      return;
    }
    Optional<Stored> latest = store.read();
    if (latest.isEmpty()
        || !Objects.equals(latest.get().resourceVersion(), stored.resourceVersion())) {
      return; // the next reconcile injects the newer bundle
    }
    int patched = injector.inject(stored.value().trusted());
    log.info(
        "caBundle of MutatingWebhookConfiguration {} set to {} ({} webhooks patched)",
        injector.configurationName(),
        stored.value().trusted(),
        patched);
  }

  private void serve(IssuedCertificate leaf) {
    IssuedCertificate previous = current;
    if (previous != null && Arrays.equals(encoded(previous), encoded(leaf))) {
      return;
    }
    current = leaf;
    listener.serving(leaf);
  }

  private static byte[] encoded(IssuedCertificate certificate) {
    try {
      return certificate.certificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String report(Reason reason, String message) {
    if (closed) {
      return message; // a request interrupted by close() is no problem
    }
    log.error("certificate problem ({}): {}", reason.label(), message);
    listener.problem(new CertificateProblem(reason, message));
    return message;
  }
}
