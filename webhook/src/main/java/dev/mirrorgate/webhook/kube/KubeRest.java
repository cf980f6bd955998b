package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.store.JsonCalls;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The controller's one door to the API server: JSON in and out as Jackson trees, over client-java's
 * {@link ApiClient} (its authentication, TLS and HTTP client). Writes are server-side apply with
 * the field manager {@value #FIELD_MANAGER}; every write first asks the write gate (the leader
 * Lease), so a replica that is not the leader sends nothing.
 */
public final class KubeRest {
  public static final String FIELD_MANAGER = "mirrorgate";
  private static final String JSON = "application/json";
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String MERGE = "application/merge-patch+json";
  private static final String STRATEGIC = "application/strategic-merge-patch+json";

  private final ApiClient client;
  private final ObjectMapper json;
  private final BooleanSupplier writeGate;

  /**
   * @param client from {@code KubernetesClients} (requests) or {@code forWatches()} for watches
   */
  public KubeRest(ApiClient client, ObjectMapper json) {
    this(client, json, () -> true);
  }

  private KubeRest(ApiClient client, ObjectMapper json, BooleanSupplier writeGate) {
    this.client = client;
    this.json = json;
    this.writeGate = writeGate;
  }

  /** The same client whose writes are sent only while {@code gate} says so. */
  public KubeRest gated(BooleanSupplier gate) {
    return new KubeRest(client, json, gate);
  }

  public ObjectMapper json() {
    return json;
  }

  /** The object, or empty when it does not exist. */
  public Optional<KubeObject> get(ApiResource resource, String namespace, String name)
      throws KubeException {
    try {
      return Optional.of(
          object(send("GET", resource.objectPath(namespace, name), List.of(), null, null)));
    } catch (KubeException e) {
      if (e.notFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Lists {@code resource} as {@code query} selects (optionally from a resourceVersion). */
  public KubeObjectList list(ApiResource resource, ListQuery query, String resourceVersion)
      throws KubeException {
    return list(resource, query, resourceVersion, UnaryOperator.identity());
  }

  /**
   * Like {@link #list(ApiResource, ListQuery, String)}, keeping each item as projected. The answer
   * is read as a stream, one item at a time, each projected as soon as it is read: a list of 5,000
   * Deployments (~20 MB of JSON) never exists as one tree, which took more than a 96 MiB heap.
   */
  public KubeObjectList list(
      ApiResource resource,
      ListQuery query,
      String resourceVersion,
      UnaryOperator<ObjectNode> projection)
      throws KubeException {
    List<Pair> params = selectors(query);
    if (resourceVersion != null) {
      params.add(new Pair("resourceVersion", resourceVersion));
    }
    String path = resource.collectionPath(query.namespace());
    Call call = call("GET", path, params, null, null);
    try (Response response = call.execute()) {
      if (!response.isSuccessful()) {
        throw failure("GET " + path, response);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw new KubeException(0, "GET " + path + ": the API server answered without a body");
      }
      return readList(resource, body.byteStream(), projection);
    } catch (IOException e) {
      throw new KubeException("GET " + path + ": " + e.getMessage(), e);
    }
  }

  /** A list answer, read item by item; fields other than these are skipped unread. */
  private KubeObjectList readList(
      ApiResource resource, java.io.InputStream in, UnaryOperator<ObjectNode> projection)
      throws IOException, KubeException {
    String apiVersion = resource.apiVersion();
    String kind = resource.kind() + "List";
    String listVersion = null;
    List<KubeObject> items = new ArrayList<>();
    try (JsonParser parser = json.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new KubeException(0, "the API server answered a list with " + parser.currentToken());
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "apiVersion" -> apiVersion = parser.getValueAsString(apiVersion);
          case "kind" -> kind = parser.getValueAsString(kind);
          case "metadata" -> {
            JsonNode metadata = parser.readValueAsTree();
            listVersion = metadata.path("resourceVersion").asText(null);
          }
          case "items" -> {
            if (value == JsonToken.START_ARRAY) {
              while (parser.nextToken() != JsonToken.END_ARRAY) {
                JsonNode item = parser.readValueAsTree();
                if (item instanceof ObjectNode object) {
                  // The items of a built-in kind's list carry no apiVersion and no kind (a watch
                  // event's object and a custom resource's items do): every object read is whole.
                  if (!object.hasNonNull("apiVersion")) {
                    object.put("apiVersion", resource.apiVersion());
                  }
                  if (!object.hasNonNull("kind")) {
                    object.put("kind", resource.kind());
                  }
                  items.add(new KubeObject(projection.apply(object)));
                }
              }
            } else {
              parser.skipChildren();
            }
          }
          default -> parser.skipChildren();
        }
      }
    }
    return new KubeObjectList(apiVersion, kind, listVersion, items);
  }

  /**
   * Opens a watch. The caller reads it with {@link KubeWatch#hasNext()} / {@link KubeWatch#next()}
   * and closes it.
   */
  public KubeWatch watch(
      ApiResource resource, ListQuery query, String resourceVersion, Integer timeoutSeconds)
      throws KubeException {
    List<Pair> params = selectors(query);
    params.add(new Pair("watch", "true"));
    params.add(new Pair("allowWatchBookmarks", "true"));
    if (resourceVersion != null) {
      params.add(new Pair("resourceVersion", resourceVersion));
    }
    if (timeoutSeconds != null) {
      params.add(new Pair("timeoutSeconds", timeoutSeconds.toString()));
    }
    Call call = call("GET", resource.collectionPath(query.namespace()), params, null, null);
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw new KubeException("watch " + resource + " (" + query + "): " + e.getMessage(), e);
    }
    if (!response.isSuccessful()) {
      try (response) {
        throw failure("watch " + resource, response);
      }
    }
    return new KubeWatch(call, response, json);
  }

  /**
   * Server-side apply of {@code desired} (apiVersion, kind, metadata.name and, when namespaced,
   * metadata.namespace set), taking ownership of its fields from other managers.
   */
  public KubeObject apply(ApiResource resource, ObjectNode desired) throws KubeException {
    return applyTo(resource, desired, "");
  }

  /** Server-side apply of {@code desired}'s status through the status subresource. */
  public KubeObject applyStatus(ApiResource resource, ObjectNode desired) throws KubeException {
    return applyTo(resource, desired, "/status");
  }

  private KubeObject applyTo(ApiResource resource, ObjectNode desired, String subresource)
      throws KubeException {
    JsonNode meta = desired.path("metadata");
    String path =
        resource.objectPath(meta.path("namespace").asText(null), meta.path("name").asText())
            + subresource;
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    params.add(new Pair("force", "true"));
    return object(write("PATCH", path, params, APPLY, desired));
  }

  /** Creates {@code object}; a 409 (it exists) is thrown for the caller to handle. */
  public KubeObject create(ApiResource resource, ObjectNode object) throws KubeException {
    String namespace = object.path("metadata").path("namespace").asText(null);
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    return object(write("POST", resource.collectionPath(namespace), params, JSON, object));
  }

  /**
   * Replaces the object with {@code object} (PUT); its {@code metadata.resourceVersion} makes the
   * write conditional: 409 when the object changed since it was read.
   */
  public KubeObject replace(ApiResource resource, ObjectNode object) throws KubeException {
    JsonNode metadata = object.path("metadata");
    String path =
        resource.objectPath(
            metadata.path("namespace").asText(null), metadata.path("name").asText(null));
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    return object(write("PUT", path, params, JSON, object));
  }

  /** A JSON merge patch (RFC 7386). */
  public KubeObject mergePatch(ApiResource resource, String namespace, String name, JsonNode patch)
      throws KubeException {
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    return object(write("PATCH", resource.objectPath(namespace, name), params, MERGE, patch));
  }

  /**
   * A strategic merge patch (built-in kinds: lists such as containers merge by name). A {@code
   * metadata.resourceVersion} in the patch makes the write conditional on it: 409 when the object
   * changed since the version a decision was made from.
   */
  public KubeObject strategicMergePatch(
      ApiResource resource, String namespace, String name, JsonNode patch) throws KubeException {
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    return object(write("PATCH", resource.objectPath(namespace, name), params, STRATEGIC, patch));
  }

  /**
   * A JSON merge patch of the status subresource. With {@code metadata.resourceVersion} in {@code
   * patch} the write is conditional: a 409 when the object changed since that version.
   */
  public KubeObject mergePatchStatus(
      ApiResource resource, String namespace, String name, JsonNode patch) throws KubeException {
    List<Pair> params = new ArrayList<>();
    params.add(new Pair("fieldManager", FIELD_MANAGER));
    return object(
        write("PATCH", resource.objectPath(namespace, name) + "/status", params, MERGE, patch));
  }

  /**
   * Deletes the object if it exists, only while its uid is {@code uid} when given (so an object
   * recreated meanwhile under the same name is not deleted). Returns whether it was deleted.
   */
  public boolean delete(ApiResource resource, String namespace, String name, String uid)
      throws KubeException {
    ObjectNode options = json.createObjectNode();
    options.put("apiVersion", "v1").put("kind", "DeleteOptions");
    options.put("propagationPolicy", "Background");
    if (uid != null) {
      options.putObject("preconditions").put("uid", uid);
    }
    try {
      write("DELETE", resource.objectPath(namespace, name), new ArrayList<>(), JSON, options);
      return true;
    } catch (KubeException e) {
      if (e.notFound() || (uid != null && e.conflict())) {
        return false;
      }
      throw e;
    }
  }

  private JsonNode write(
      String method, String path, List<Pair> params, String contentType, JsonNode body)
      throws KubeException {
    if (!writeGate.getAsBoolean()) {
      throw new NotLeaderException(method + " " + path);
    }
    return send(method, path, params, contentType, body);
  }

  private JsonNode send(
      String method, String path, List<Pair> params, String contentType, JsonNode body)
      throws KubeException {
    Call call = call(method, path, params, contentType, body);
    try (Response response = call.execute()) {
      if (!response.isSuccessful()) {
        throw failure(method + " " + path, response);
      }
      ResponseBody responseBody = response.body();
      return responseBody == null ? json.nullNode() : json.readTree(responseBody.byteStream());
    } catch (IOException e) {
      throw new KubeException(method + " " + path + ": " + e.getMessage(), e);
    }
  }

  private Call call(
      String method, String path, List<Pair> params, String contentType, JsonNode body)
      throws KubeException {
    byte[] bytes = null;
    if (body != null) {
      try {
        bytes = json.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new KubeException(method + " " + path + ": cannot encode the body", e);
      }
    }
    try {
      return JsonCalls.prepare(client, method, path, params, contentType, bytes);
    } catch (ApiException e) {
      throw new KubeException(method + " " + path + ": " + e.getMessage(), e);
    }
  }

  private KubeException failure(String what, Response response) {
    String message = response.message();
    try {
      ResponseBody body = response.body();
      if (body != null) {
        JsonNode status = json.readTree(body.byteStream());
        message = status.path("message").asText(message);
      }
    } catch (IOException | RuntimeException unreadable) {
      // keep the HTTP reason phrase
    }
    return new KubeException(response.code(), what + ": " + response.code() + " " + message);
  }

  private KubeObject object(JsonNode node) throws KubeException {
    if (node instanceof ObjectNode object) {
      return new KubeObject(object);
    }
    throw new KubeException(0, "the API server answered with " + node.getNodeType());
  }

  private static List<Pair> selectors(ListQuery query) {
    List<Pair> params = new ArrayList<>();
    if (query.labelSelector() != null) {
      params.add(new Pair("labelSelector", query.labelSelector()));
    }
    if (query.fieldSelector() != null) {
      params.add(new Pair("fieldSelector", query.fieldSelector()));
    }
    return params;
  }
}
