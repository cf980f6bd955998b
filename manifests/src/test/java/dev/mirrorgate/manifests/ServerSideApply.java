package dev.mirrorgate.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Server-side apply of manifest objects to a real API server as its admin, for real or with {@code
 * dryRun=All}, with strict field validation: the schemas, defaulting and admission are the API
 * server's. REST paths come from API discovery.
 */
final class ServerSideApply {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final MediaType APPLY = MediaType.get("application/apply-patch+yaml");

  private final KubeApiServer api;
  private final Map<String, JsonNode> discovery = new HashMap<>();

  ServerSideApply(KubeApiServer api) {
    this.api = api;
  }

  /** The API server's answer. */
  record Result(int code, String body) {
    boolean ok() {
      return code == 200 || code == 201;
    }

    /** The Status message of an error answer, else the body. */
    String message() {
      try {
        return body.startsWith("{") ? JSON.readTree(body).path("message").asText(body) : body;
      } catch (IOException e) {
        return body;
      }
    }
  }

  Result apply(Manifest manifest, boolean dryRun) {
    String path = path(manifest).orElseThrow(() -> new AssertionError(notServed(manifest)));
    String url =
        api.url()
            + path
            + "?fieldManager=mirrorgate-manifests-test&force=true&fieldValidation=Strict"
            + (dryRun ? "&dryRun=All" : "");
    try {
      return send(
          new Request.Builder()
              .url(url)
              .patch(RequestBody.create(YAML.writeValueAsString(manifest.object()), APPLY))
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates the Pod a workload's template describes with {@code dryRun=All}, so that Pod Security
   * admission (which judges Pods, not their controllers) decides on it.
   */
  Result createPodDryRun(Manifest workload) {
    JsonNode template = workload.object().path("spec").path("template");
    String namespace = workload.object().path("metadata").path("namespace").asText();
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("name", workload.name() + "-dry-run").put("namespace", namespace);
    metadata.set("labels", template.path("metadata").path("labels"));
    pod.set("spec", template.path("spec"));
    try {
      return send(
          new Request.Builder()
              .url(
                  api.url()
                      + "/api/v1/namespaces/"
                      + namespace
                      + "/pods?dryRun=All&fieldValidation=Strict")
              .post(
                  RequestBody.create(
                      JSON.writeValueAsString(pod), MediaType.get("application/json")))
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Result get(Manifest manifest) {
    String path = path(manifest).orElseThrow(() -> new AssertionError(notServed(manifest)));
    return get(path);
  }

  Result get(String path) {
    try {
      return send(new Request.Builder().url(api.url() + path).get().build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the API server serves the object's kind (e.g. not cert-manager's without its CRDs). */
  boolean serves(Manifest manifest) {
    return path(manifest).isPresent();
  }

  private Result send(Request request) throws IOException {
    Request authorized =
        request.newBuilder().header("Authorization", "Bearer " + api.token()).build();
    try (Response response = api.client().getHttpClient().newCall(authorized).execute()) {
      return new Result(response.code(), response.body() == null ? "" : response.body().string());
    }
  }

  /** The REST path of an object, from API discovery: group/version, plural, namespace. */
  private Optional<String> path(Manifest manifest) {
    JsonNode object = manifest.object();
    String apiVersion = object.path("apiVersion").asText();
    String groupPath = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    JsonNode resources = discovery.computeIfAbsent(groupPath, this::discover);
    for (JsonNode resource : resources.path("resources")) {
      if (resource.path("kind").asText().equals(manifest.kind())
          && !resource.path("name").asText().contains("/")) {
        String prefix =
            resource.path("namespaced").asBoolean()
                ? groupPath + "/namespaces/" + object.path("metadata").path("namespace").asText()
                : groupPath;
        return Optional.of(prefix + "/" + resource.path("name").asText() + "/" + manifest.name());
      }
    }
    return Optional.empty();
  }

  private JsonNode discover(String groupPath) {
    Result result = get(groupPath);
    if (result.code() == 404) {
      return JSON.createObjectNode();
    }
    if (!result.ok()) {
      throw new AssertionError("discovery of " + groupPath + ": HTTP " + result.code());
    }
    try {
      return JSON.readTree(result.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String notServed(Manifest manifest) {
    return manifest
        + ": the API server does not serve "
        + manifest.object().path("apiVersion").asText()
        + " "
        + manifest.kind();
  }
}
