package dev.mirrorgate.certs.store;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.net.HttpURLConnection;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates in one Secret, shared by every replica. The first writer creates it
 * (create-if-absent: a replica that loses the race adopts the winner's Secret); updates carry the
 * resourceVersion read, and a replica whose update conflicts re-reads and adopts what is there.
 */
public final class SecretCertificateStore {
  private final CoreV1Api core;
  private final String namespace;
  private final String name;
  private final Clock clock;

  public SecretCertificateStore(ApiClient client, String namespace, String name, Clock clock) {
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.name = name;
    this.clock = clock;
  }

  /** {@code namespace/name}. */
  public String describe() {
    return namespace + "/" + name;
  }

  /**
   * The stored certificates, empty when the Secret does not exist.
   *
   * @throws CertificateException when the Secret's CA part is unusable
   */
  public Optional<Stored> read() throws ApiException, CertificateException {
    V1Secret secret;
    try {
      secret = core.readNamespacedSecret(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(decode(secret));
  }

  /** Creates the Secret with {@code value}; when another replica was first, returns its Secret. */
  public Written create(ServingCertificates value) throws ApiException, CertificateException {
    try {
      V1Secret created = core.createNamespacedSecret(namespace, secret(value, null)).execute();
      return new Written(decode(created), true);
    } catch (ApiException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return new Written(adopt(), false);
      }
      throw e;
    }
  }

  /**
   * Replaces the Secret read at {@code resourceVersion} with {@code value}; on a conflict (another
   * replica wrote first) returns what is stored now.
   */
  public Written replace(ServingCertificates value, String resourceVersion)
      throws ApiException, CertificateException {
    try {
      V1Secret replaced =
          core.replaceNamespacedSecret(name, namespace, secret(value, resourceVersion)).execute();
      return new Written(decode(replaced), true);
    } catch (ApiException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return new Written(adopt(), false);
      }
      throw e;
    }
  }

  private Stored adopt() throws ApiException, CertificateException {
    return read()
        .orElseThrow(
            () -> new ApiException(HttpURLConnection.HTTP_CONFLICT, describe() + " vanished"));
  }

  private V1Secret secret(ServingCertificates value, String resourceVersion) {
    return new V1Secret()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace(namespace)
                .resourceVersion(resourceVersion)
                .labels(
                    Map.of(
                        "app.kubernetes.io/part-of", "mirrorgate",
                        "app.kubernetes.io/managed-by", "mirrorgate-webhook"))
                .annotations(SecretFormat.annotations(value)))
        .type(SecretFormat.TYPE)
        .data(SecretFormat.data(value));
  }

  private Stored decode(V1Secret secret) throws CertificateException {
    V1ObjectMeta meta = secret.getMetadata();
    SecretFormat.Decoded decoded =
        SecretFormat.decode(
            "Secret " + describe(),
            secret.getData(),
            meta == null ? null : meta.getAnnotations(),
            clock);
    return new Stored(decoded, meta == null ? null : meta.getResourceVersion());
  }

  /** What the Secret holds at a resourceVersion. */
  public record Stored(SecretFormat.Decoded decoded, String resourceVersion) {
    public ServingCertificates value() {
      return decoded.value();
    }
  }

  /**
   * The result of a write.
   *
   * @param won whether our write was stored (false: another replica's Secret was adopted)
   */
  public record Written(Stored stored, boolean won) {}
}
