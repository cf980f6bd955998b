package dev.mirrorgate.webhook.deploy.registry;

import dev.mirrorgate.certs.Pem;
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
 * The certificate authorities registries are trusted by: the JVM's system CAs plus the PEM bundles
 * given (mirrorgate's CA, CAs from the controller's configuration), all in one PKIX trust store, so
 * host names are verified as usual. There is no way to turn verification off.
 */
public final class RegistryTrust {

  /**
   * A bundle of CA certificates.
   *
   * @param name what it is, for errors ({@code mirrorgate CA}, {@code --registry-ca /etc/ca.pem})
   * @param pem one or more {@code CERTIFICATE} blocks
   */
  public record PemBundle(String name, String pem) {}

  private RegistryTrust() {}

  /**
   * A TLS client context trusting the system CAs and {@code bundles}.
   *
   * @throws IllegalArgumentException naming the bundle that holds no, or a bad, certificate
   */
  public static SSLContext context(List<PemBundle> bundles) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate ca : systemCas()) {
        store.setCertificateEntry("system-" + n++, ca);
      }
      for (PemBundle bundle : bundles) {
        List<X509Certificate> certs;
        try {
          certs = Pem.readCertificates(bundle.pem());
        } catch (CertificateException e) {
          throw new IllegalArgumentException(
              "CA bundle " + bundle.name() + ": " + e.getMessage(), e);
        }
        for (X509Certificate ca : certs) {
          store.setCertificateEntry("extra-" + n++, ca);
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the registry trust store: " + e, e);
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
