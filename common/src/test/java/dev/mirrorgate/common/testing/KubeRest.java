package dev.mirrorgate.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Plain REST calls to a {@link KubeApiServer} on JSON trees, as the controllers make them: create,
 * get, server-side apply, status updates, the Table view, and CRD installation. REST paths come
 * from API discovery, so any kind the server serves works, custom resources included.
 */
public final class KubeRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final MediaType APPLY = MediaType.get("application/apply-patch+yaml");
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  /** An answer: the HTTP status and body. */
  public record Result(int code, String body) {
    /** The Status message of an error answer, else the body. */
    public String message() {
      try {
        return body.startsWith("{") ? JSON.readTree(body).path("message").asText(body) : body;
      } catch (IOException e) {
        return body;
      }
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public boolean ok() {
      return code >= 200 && code < 300;
    }
  }

  private final KubeApiServer api;
  private final Map<String, JsonNode> discovery = new HashMap<>();

  public KubeRest(KubeApiServer api) {
    this.api = api;
  }

  /** Every document of a YAML file, empty documents skipped. */
  public static List<JsonNode> readYaml(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          documents.add(doc);
        }
      }
    }
    return documents;
  }

  /**
   * mirror-operator's own CRD ({@code registrymirrors.k8s.osp.tech}, v1, no schema beyond
   * preserve-unknown-fields): a test fixture for the legacy RegistryMirrors, not shipped.
   */
  public static JsonNode legacyRegistryMirrorCrd() {
    try (var in = KubeRest.class.getResourceAsStream("registrymirrors.k8s.osp.tech.yaml")) {
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One YAML document as a tree. */
  public static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies the CRDs (server-side apply) and waits until each is Established and its kind is
   * served.
   */
  public void installCrds(List<JsonNode> crds) throws Exception {
    for (JsonNode crd : crds) {
      Result result = apply(crd, "mirrorgate-test", false);
      if (!result.ok()) {
        throw new AssertionError("CRD " + name(crd) + " refused: " + result.message());
      }
    }
    for (JsonNode crd : crds) {
      String path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name(crd);
      Poll.until(
          "CRD " + name(crd) + " Established",
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            for (JsonNode c : get(path).json().at("/status/conditions")) {
              if (c.path("type").asText().equals("Established")
                  && c.path("status").asText().equals("True")) {
                return true;
              }
            }
            return false;
          });
      String group = crd.at("/spec/group").asText();
      for (JsonNode version : crd.at("/spec/versions")) {
        String groupPath = "/apis/" + group + "/" + version.path("name").asText();
        discovery.remove(groupPath);
        Poll.until(
            groupPath + " served",
            Duration.ofSeconds(60),
            Duration.ofMillis(100),
            () -> get(groupPath).code() == 200);
      }
    }
  }

  /** Server-side apply with {@code fieldManager}, forcing conflicts, strict field validation. */
  public Result apply(JsonNode object, String fieldManager, boolean dryRun) throws IOException {
    String url =
        api.url()
            + path(object)
            + "?fieldManager="
            + fieldManager
            + "&force=true&fieldValidation=Strict"
            + (dryRun ? "&dryRun=All" : "");
    return send(
        new Request.Builder()
            .url(url)
            .patch(RequestBody.create(YAML.writeValueAsString(object), APPLY))
            .build());
  }

  /** POST to the object's collection, strict field validation. */
  public Result create(JsonNode object) throws IOException {
    return create(object, false);
  }

  /** POST to the object's collection, strict field validation, maybe as a dry run. */
  public Result create(JsonNode object, boolean dryRun) throws IOException {
    return send(
        new Request.Builder()
            .url(
                api.url()
                    + collectionPath(object)
                    + "?fieldValidation=Strict"
                    + (dryRun ? "&dryRun=All" : ""))
            .post(RequestBody.create(JSON.writeValueAsString(object), JSON_TYPE))
            .build());
  }

  /** PUT the whole object (an update; carry the resourceVersion to be conditional). */
  public Result update(JsonNode object) throws IOException {
    return send(
        new Request.Builder()
            .url(api.url() + path(object) + "?fieldValidation=Strict")
            .put(RequestBody.create(JSON.writeValueAsString(object), JSON_TYPE))
            .build());
  }

  /** PUT the object to its status subresource. */
  public Result updateStatus(JsonNode object) throws IOException {
    return send(
        new Request.Builder()
            .url(api.url() + path(object) + "/status")
            .put(RequestBody.create(JSON.writeValueAsString(object), JSON_TYPE))
            .build());
  }

  public Result get(String path) throws IOException {
    return send(new Request.Builder().url(api.url() + path).get().build());
  }

  /** The object as the server has it now. */
  public Result get(JsonNode object) throws IOException {
    return get(path(object));
  }

  /** The collection of {@code object}'s kind as a meta.k8s.io Table (printer columns). */
  public Result table(JsonNode object) throws IOException {
    return send(
        new Request.Builder()
            .url(api.url() + collectionPath(object))
            .header("Accept", TABLE)
            .get()
            .build());
  }

  /** The REST path of the object. */
  public String path(JsonNode object) {
    return collectionPath(object) + "/" + name(object);
  }

  /** The REST path of the object's collection, from API discovery. */
  public String collectionPath(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    String groupPath = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    JsonNode resources = discovery.computeIfAbsent(groupPath, this::discover);
    for (JsonNode resource : resources.path("resources")) {
      if (resource.path("kind").asText().equals(kind)
          && !resource.path("name").asText().contains("/")) {
        String namespace = object.at("/metadata/namespace").asText("");
        String prefix =
            resource.path("namespaced").asBoolean()
                ? groupPath + "/namespaces/" + namespace
                : groupPath;
        return prefix + "/" + resource.path("name").asText();
      }
    }
    throw new AssertionError("the API server does not serve " + apiVersion + " " + kind);
  }

  private JsonNode discover(String groupPath) {
    try {
      Result result = get(groupPath);
      if (result.code() != 200) {
        throw new AssertionError("discovery of " + groupPath + ": " + result.code());
      }
      return result.json();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result send(Request request) throws IOException {
    OkHttpClient http = api.client().getHttpClient();
    Request authorized =
        request.newBuilder().header("Authorization", "Bearer " + api.token()).build();
    try (Response response = http.newCall(authorized).execute()) {
      return new Result(response.code(), response.body() == null ? "" : response.body().string());
    }
  }

  private static String name(JsonNode object) {
    return object.at("/metadata/name").asText();
  }
}
