package dev.mirrorgate.webhook.server;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A serving certificate chain and its key, in PEM. */
public record TlsMaterial(Buffer certificateChainPem, Buffer privateKeyPem) {

  /**
   * A throwaway certificate for local use, from a CA that lives only in memory; it names {@code
   * localhost}, 127.0.0.1 and ::1.
   */
  public static TlsMaterial selfSigned(Clock clock) {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "mirrorgate self-signed CA", Duration.ofDays(7), KeyAlgorithm.EC_P256, clock);
    IssuedCertificate leaf =
        ca.issue(
            LeafSpec.server(
                "localhost",
                List.of("localhost"),
                List.of("127.0.0.1", "::1"),
                Duration.ofDays(7)));
    return new TlsMaterial(
        Buffer.buffer(leaf.certificateChainPem()), Buffer.buffer(leaf.privateKeyPem()));
  }

  PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertValue(certificateChainPem).setKeyValue(privateKeyPem);
  }

  ServerSSLOptions sslOptions() {
    return new ServerSSLOptions().setKeyCertOptions(keyCertOptions());
  }
}
