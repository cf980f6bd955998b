package dev.mirrorgate.webhook.ui.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.certs.Pem;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * When the certificate in a TLS Secret ({@code tls.crt}, the leaf first) expires. Parsed once per
 * resourceVersion of the Secret.
 */
public final class CertificateExpiry {
  private record Parsed(String resourceVersion, Optional<Instant> notAfter) {}

  private final BiFunction<String, String, Optional<KubeObject>> secrets;
  private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

  /**
   * @param secrets finds a Secret by namespace and name (an informer's cache)
   */
  public CertificateExpiry(BiFunction<String, String, Optional<KubeObject>> secrets) {
    this.secrets = secrets;
  }

  /** The leaf's notAfter, when the Secret exists and holds a readable certificate. */
  public Optional<Instant> notAfter(String namespace, String secretName) {
    Optional<KubeObject> secret = secrets.apply(namespace, secretName);
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    String key = namespace + "/" + secretName;
    String version = secret.get().resourceVersion();
    Parsed known = parsed.get(key);
    if (known != null
        && known.resourceVersion() != null
        && known.resourceVersion().equals(version)) {
      return known.notAfter();
    }
    Optional<Instant> notAfter = read(secret.get().node().path("data").path("tls.crt"));
    parsed.put(key, new Parsed(version, notAfter));
    return notAfter;
  }

  private static Optional<Instant> read(JsonNode data) {
    if (!data.isTextual()) {
      return Optional.empty();
    }
    try {
      String pem = new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
      List<X509Certificate> chain = Pem.readCertificates(pem);
      return chain.isEmpty()
          ? Optional.empty()
          : Optional.of(chain.get(0).getNotAfter().toInstant());
    } catch (RuntimeException | java.security.GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
