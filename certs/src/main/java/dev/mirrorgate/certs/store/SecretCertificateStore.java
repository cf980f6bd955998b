package dev.mirrorgate.certs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The certificates in one Secret, shared by every replica. The first writer creates it
 * (create-if-absent: a replica that loses the race adopts the winner's Secret); updates carry the
 * resourceVersion read, and a replica whose update conflicts re-reads and adopts what is there.
 *
 * <p>The Secret is read and written as JSON on the client's connection, not through client-java's
 * typed {@code CoreV1Api}: its first typed call loads every generated model class (~900 classes,
 * ~10 MiB of RSS in the controller, which otherwise uses none).
 */
public final class SecretCertificateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] AUTH = {"BearerToken"};

  private final ApiClient client;
  private final String namespace;
  private final String name;
  private final Clock clock;

  public SecretCertificateStore(ApiClient client, String namespace, String name, Clock clock) {
    this.client = client;
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

  /** One request; the answer's JSON, or an ApiException with the status and the server's reason. */
  private JsonNode call(String method, String path, ObjectNode body) throws ApiException {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "application/json");
    byte[] bytes = null;
    try {
      if (body != null) {
        headers.put("Content-Type", "application/json");
        bytes = JSON.writeValueAsBytes(body);
      }
      Call call =
          client.buildCall(
              null,
              path,
              method,
              List.of(),
              List.of(),
              bytes,
              headers,
              new HashMap<>(),
              new HashMap<>(),
              AUTH,
              null);
      try (Response response = call.execute()) {
        ResponseBody responseBody = response.body();
        byte[] answer = responseBody == null ? new byte[0] : responseBody.bytes();
        if (!response.isSuccessful()) {
          String reason = response.message();
          try {
            reason = JSON.readTree(answer).path("message").asText(reason);
          } catch (IOException | RuntimeException unreadable) {
            // keep the HTTP reason phrase
          }
          throw new ApiException(
              method + " " + path + ": " + response.code() + " " + reason,
              response.code(),
              response.headers().toMultimap(),
              new String(answer, StandardCharsets.UTF_8));
        }
        return JSON.readTree(answer);
      }
    } catch (IOException e) {
      throw new ApiException(method + " " + path + ": " + e.getMessage(), e, 0, null, null);
    }
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
