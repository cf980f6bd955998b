package dev.mirrorgate.webhook.server;

import dev.mirrorgate.certs.KeyMismatchException;
import dev.mirrorgate.webhook.mapping.FilePoller;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.tls.TlsMaterial;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificate from PEM files and swaps it in when their bytes change (a mounted Secret
 * swaps a symlink). A pair that does not load is logged and the previous one keeps serving.
 */
public final class FileTlsSource {
  private static final Logger log = LoggerFactory.getLogger(FileTlsSource.class);

  private final Path certificate;
  private final Path key;
  private final WebhookMetrics metrics;
  private final Clock clock;

  /**
   * @param metrics where expiry and problems are counted ({@code
   *     mirrorgate_certificate_expiry_seconds}, {@code mirrorgate_certificate_errors_total})
   */
  public FileTlsSource(Path certificate, Path key, WebhookMetrics metrics, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Reads the files now, for the first listen; fails with a message naming the files. An expired or
   * not yet valid certificate is served (it may be renewed in place) but logged as an error and
   * counted.
   */
  public TlsMaterial read() {
    TlsMaterial material;
    try {
      material = parse(read(certificate), read(key));
    } catch (IllegalArgumentException e) {
      countUnreadable(e);
      throw e;
    }
    String invalid = validity(material);
    if (invalid != null) {
      log.error(
          "{}: {}; TLS clients will reject it until the file is renewed", certificate, invalid);
    }
    served(material);
    return material;
  }

  /** Null when the leaf is valid now, else what is wrong (and counted). */
  private String validity(TlsMaterial material) {
    Instant now = clock.instant();
    X509Certificate leaf = material.leaf();
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      count("expired");
      return "the certificate expired at " + leaf.getNotAfter().toInstant();
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      count("not_yet_valid");
      return "the certificate is not valid before " + leaf.getNotBefore().toInstant();
    }
    return null;
  }

  private void count(String reason) {
    metrics.certificateError(reason);
  }

  /** Counts a pair that did not load: a key of another certificate, or anything else. */
  private void countUnreadable(IllegalArgumentException e) {
    count(e.getCause() instanceof KeyMismatchException ? "mismatch" : "malformed");
  }

  private void served(TlsMaterial material) {
    metrics.servingCertificate(material.leaf().getNotAfter().toInstant(), clock);
  }

  private TlsMaterial parse(
      io.vertx.core.buffer.Buffer chain, io.vertx.core.buffer.Buffer privateKey) {
    try {
      return TlsMaterial.fromPem(chain, privateKey);
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(certificate + " / " + key + ": " + e.getMessage(), e);
    }
  }

  /** Watches the files and hands every changed pair to {@code server}. */
  public FilePoller watch(Vertx vertx, WebhookServer server, Duration interval) {
    FilePoller poller =
        new FilePoller(
            vertx,
            List.of(certificate, key),
            contents -> {
              TlsMaterial material;
              try {
                material = parse(contents.get(0), contents.get(1));
              } catch (IllegalArgumentException e) {
                // Often a moment in the middle of a rotation (new key, old certificate).
                countUnreadable(e);
                log.error(
                    "new certificate rejected, the previous one keeps serving: {}", e.getMessage());
                return;
              }
              if (material.equals(server.tls())) {
                return;
              }
              String invalid = validity(material);
              if (invalid != null) {
                log.error(
                    "new certificate in {} rejected, the previous one keeps serving: {}",
                    certificate,
                    invalid);
                return;
              }
              server
                  .updateTls(material)
                  .onSuccess(
                      v -> {
                        served(material);
                        log.info("serving certificate reloaded from {}", certificate);
                      })
                  .onFailure(
                      e ->
                          log.error(
                              "new certificate in {} / {} rejected, the previous one keeps"
                                  + " serving: {}",
                              certificate,
                              key,
                              e.getMessage()));
            });
    poller.start(interval);
    return poller;
  }

  private static io.vertx.core.buffer.Buffer read(Path file) {
    try {
      return io.vertx.core.buffer.Buffer.buffer(Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
