package dev.mirrorgate.webhook.tls;

import dev.mirrorgate.certs.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities the controller's TLS clients (registries, notification receivers)
 * trust: the JVM's system CAs plus the PEM bundles given (mirrorgate's CA, {@code --registry-ca},
 * {@code --notify-ca}), all in one PKIX trust store, so host names are verified as usual. There is
 * no way to turn verification off.
 */
public final class ClientTrust {

  /**
   * A bundle of CA certificates.
   *
   * @param name what it is, for errors ({@code mirrorgate CA}, {@code --registry-ca /etc/ca.pem})
   * @param pem one or more {@code CERTIFICATE} blocks
   */
  public record PemBundle(String name, String pem) {}

  private ClientTrust() {}

  /**
   * The CA certificates of a bundle.
   *
   * @throws IllegalArgumentException naming the bundle when it holds no, or a bad, certificate
   */
  public static List<X509Certificate> read(PemBundle bundle) {
    List<X509Certificate> certificates;
    try {
      certificates = Pem.readCertificates(bundle.pem());
    } catch (CertificateException e) {
      throw new IllegalArgumentException(bundle.name() + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(bundle.name() + ": no CERTIFICATE block");
    }
    return certificates;
  }

  /**
   * A TLS client context trusting the system CAs and {@code bundles}.
   *
   * @throws IllegalArgumentException naming the bundle that holds no, or a bad, certificate
   */
  public static SSLContext of(List<PemBundle> bundles) {
    List<X509Certificate> extra = new ArrayList<>();
    for (PemBundle bundle : bundles) {
      extra.addAll(read(bundle));
    }
    return trusting(extra);
  }

  /** A TLS client context trusting the system CAs and {@code extra}. */
  public static SSLContext trusting(List<X509Certificate> extra) {
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
      throw new IllegalStateException("cannot build a TLS trust store: " + e, e);
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
