package dev.mirrorgate.webhook.server;

import dev.mirrorgate.webhook.mapping.FilePoller;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  public FileTlsSource(Path certificate, Path key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** Reads the files now, for the first listen; fails with a message naming the files. */
  public TlsMaterial read() {
    return parse(read(certificate), read(key));
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
                log.error(
                    "new certificate rejected, the previous one keeps serving: {}", e.getMessage());
                return;
              }
              if (material.equals(server.tls())) {
                return;
              }
              server
                  .updateTls(material)
                  .onSuccess(v -> log.info("serving certificate reloaded from {}", certificate))
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
