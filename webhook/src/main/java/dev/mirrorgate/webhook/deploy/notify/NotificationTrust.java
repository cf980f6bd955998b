package dev.mirrorgate.webhook.deploy.notify;

import dev.mirrorgate.certs.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CAs notification receivers are trusted by: the JVM's system CAs plus the PEM bundle of {@code
 * controller --notify-ca}, in one PKIX trust store, so host names are verified as usual.
 * Verification cannot be turned off.
 */
public final class NotificationTrust {
  private NotificationTrust() {}

  /**
   * The CA certificates of a PEM bundle.
   *
   * @param where the bundle's name, for errors
   * @throws IllegalArgumentException when the bundle holds no, or a bad, certificate
   */
  public static List<X509Certificate> read(String where, String pem) {
    List<X509Certificate> certificates;
    try {
      certificates = Pem.readCertificates(pem);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(where + ": no CERTIFICATE block");
    }
    return certificates;
  }

  /** A TLS client context trusting the system CAs and {@code extra}. */
  public static SSLContext context(List<X509Certificate> extra) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate ca : systemCas()) {
        store.setCertificateEntry("system-" + n++, ca);
      }
      for (X509Certificate ca : extra) {
        store.setCertificateEntry("extra-" + n++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the notification trust store: " + e, e);
    }
  }

  private static X509Certificate[] systemCas() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
