package dev.mirrorgate.certs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * JSON requests on client-java's connection (its authentication, TLS and HTTP client) without its
 * typed APIs: the first typed call loads every generated model class (~900 classes and the Gson
 * adapter factories of all of them, ~10 MiB of RSS in a process that otherwise uses none). {@link
 * #prepare} is the one place that builds such a request; the webhook jar's {@code KubeRest} uses it
 * too.
 */
public final class JsonCalls {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] AUTH = {"BearerToken"};

  private final ApiClient client;

  JsonCalls(ApiClient client) {
    this.client = client;
  }

  /**
   * One request; the answer's JSON, or an ApiException with the status and the server's reason.
   *
   * @param contentType of {@code body}; ignored without a body
   */
  JsonNode call(String method, String path, List<Pair> query, String contentType, JsonNode body)
      throws ApiException {
    byte[] bytes = null;
    try {
      if (body != null) {
        bytes = JSON.writeValueAsBytes(body);
      }
      Call call = prepare(client, method, path, query, contentType, bytes);
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

  /**
   * A request with JSON accepted, {@code body} sent as {@code contentType} when not null, and the
   * client's bearer-token authentication.
   */
  public static Call prepare(
      ApiClient client,
      String method,
      String path,
      List<Pair> query,
      String contentType,
      byte[] body)
      throws ApiException {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "application/json");
    if (body != null) {
      headers.put("Content-Type", contentType);
    }
    return client.buildCall(
        null,
        path,
        method,
        query == null ? List.of() : query,
        List.of(),
        body,
        headers,
        new HashMap<>(),
        new HashMap<>(),
        AUTH,
        null);
  }
}
