package dev.mirrorgate.certs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.net.HttpURLConnection;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates in one Secret, shared by every replica. The first writer creates it
 * (create-if-absent: a replica that loses the race adopts the winner's Secret); updates carry the
 * resourceVersion read, and a replica whose update conflicts re-reads and adopts what is there.
 *
 * <p>The Secret is read and written as JSON ({@link JsonCalls}), not through client-java's typed
 * {@code CoreV1Api}.
 */
public final class SecretCertificateStore {
  private static final ObjectMapper JSON = JsonCalls.JSON;

  private final JsonCalls calls;
  private final String namespace;
  private final String name;
  private final Clock clock;

  public SecretCertificateStore(ApiClient client, String namespace, String name, Clock clock) {
    this.calls = new JsonCalls(client);
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
    JsonNode secret;
    try {
      secret = call("GET", itemPath(), null);
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
      JsonNode created = call("POST", collectionPath(), secret(value, null));
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
      JsonNode replaced = call("PUT", itemPath(), secret(value, resourceVersion));
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

  private String collectionPath() {
    return "/api/v1/namespaces/" + namespace + "/secrets";
  }

  private String itemPath() {
    return collectionPath() + "/" + name;
  }

  private JsonNode call(String method, String path, ObjectNode body) throws ApiException {
    return calls.call(method, path, List.of(), "application/json", body);
  }

  private ObjectNode secret(ServingCertificates value, String resourceVersion) {
    ObjectNode secret = JSON.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    ObjectNode meta = secret.putObject("metadata");
    meta.put("name", name).put("namespace", namespace);
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    meta.putObject("labels")
        .put("app.kubernetes.io/part-of", "mirrorgate")
        .put("app.kubernetes.io/managed-by", "mirrorgate-webhook");
    ObjectNode annotations = meta.putObject("annotations");
    SecretFormat.annotations(value).forEach(annotations::put);
    secret.put("type", SecretFormat.TYPE);
    ObjectNode data = secret.putObject("data");
    SecretFormat.data(value)
        .forEach((key, bytes) -> data.put(key, Base64.getEncoder().encodeToString(bytes)));
    return secret;
  }

  private Stored decode(JsonNode secret) throws CertificateException {
    JsonNode meta = secret.path("metadata");
    Map<String, byte[]> data = null;
    if (secret.path("data").isObject()) {
      data = new LinkedHashMap<>();
      for (var field : secret.path("data").properties()) {
        try {
          data.put(field.getKey(), Base64.getDecoder().decode(field.getValue().asText("")));
        } catch (IllegalArgumentException notBase64) {
          throw new CertificateException(
              "Secret " + describe() + ": data." + field.getKey() + " is not base64");
        }
      }
    }
    Map<String, String> annotations = null;
    if (meta.path("annotations").isObject()) {
      annotations = new LinkedHashMap<>();
      for (var field : meta.path("annotations").properties()) {
        annotations.put(field.getKey(), field.getValue().asText());
      }
    }
    SecretFormat.Decoded decoded =
        SecretFormat.decode("Secret " + describe(), data, annotations, clock);
    String version = meta.path("resourceVersion").asText(null);
    return new Stored(decoded, version);
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
