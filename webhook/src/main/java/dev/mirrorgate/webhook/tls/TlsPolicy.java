package dev.mirrorgate.webhook.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What mirrorgate's HTTPS servers (the webhook, the controller's ports) offer: TLS 1.2 and 1.3 with
 * forward-secret AEAD suites only (no CBC, no static RSA), through OpenSSL (BoringSSL from
 * netty-tcnative) when it loads, else the JDK. Applied to the first listen and to every certificate
 * swap alike, so a rotation never widens it.
 */
public final class TlsPolicy {
  /** How long a client has for the TLS handshake on the controller's ports. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /** IANA names; Netty maps them for OpenSSL. TLS 1.3 suites are always AEAD. */
  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {}

  /** OpenSSL when netty-tcnative loads on this platform and is not turned off, else the JDK. */
  public static SSLEngineOptions engine() {
    if (!Boolean.getBoolean("mirrorgate.tls.jdk") && OpenSsl.isAvailable()) {
      return new OpenSSLEngineOptions();
    }
    return new JdkSSLEngineOptions();
  }

  public static String engineName(SSLEngineOptions engine) {
    return engine instanceof OpenSSLEngineOptions ? "OpenSSL " + OpenSsl.versionString() : "JDK";
  }

  /** The same policy on the options of the first listen. */
  public static HttpServerOptions apply(
      HttpServerOptions options, KeyCertOptions keyCert, Duration handshakeTimeout) {
    options
        .setKeyCertOptions(keyCert)
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeout.toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  public static ServerSSLOptions serverOptions(KeyCertOptions keyCert, Duration handshakeTimeout) {
    ServerSSLOptions options =
        new ServerSSLOptions()
            .setKeyCertOptions(keyCert)
            .setEnabledSecureTransportProtocols(PROTOCOLS)
            .setSslHandshakeTimeout(handshakeTimeout.toMillis())
            .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }
}
