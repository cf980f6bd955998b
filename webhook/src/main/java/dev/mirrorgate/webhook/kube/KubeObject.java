package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Any Kubernetes object as the API sent it, held as a Jackson tree (what the project's pure code
 * works on), with the few metadata fields client-java's informer machinery reads (namespace, name,
 * resourceVersion, uid) exposed through {@link #getMetadata()}. The tree must not be modified:
 * informer caches share it; take {@link #copy()} to build on it.
 */
public final class KubeObject implements KubernetesObject {
  private final ObjectNode node;

  public KubeObject(ObjectNode node) {
    this.node = node;
  }

  private String metadata(String field) {
    JsonNode value = node.path("metadata").get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The object as received. Do not modify it. */
  public JsonNode node() {
    return node;
  }

  /** A deep copy to modify. */
  public ObjectNode copy() {
    return node.deepCopy();
  }

  public String name() {
    return metadata("name");
  }

  /** The namespace, null for cluster-scoped objects. */
  public String namespace() {
    return metadata("namespace");
  }

  public String uid() {
    return metadata("uid");
  }

  public String resourceVersion() {
    return metadata("resourceVersion");
  }

  /** {@code metadata.generation}, 0 when absent. */
  public long generation() {
    return node.path("metadata").path("generation").asLong(0);
  }

  /** Whether {@code metadata.deletionTimestamp} is set. */
  public boolean deleting() {
    return node.path("metadata").hasNonNull("deletionTimestamp");
  }

  public Map<String, String> labels() {
    return stringMap(node.path("metadata").path("labels"));
  }

  public Map<String, String> annotations() {
    return stringMap(node.path("metadata").path("annotations"));
  }

  /** The name of the owner of {@code kind} among the ownerReferences, if any. */
  public Optional<String> ownerName(String kind) {
    for (JsonNode owner : node.path("metadata").path("ownerReferences")) {
      if (kind.equals(owner.path("kind").asText())) {
        return Optional.of(owner.path("name").asText());
      }
    }
    return Optional.empty();
  }

  /** {@code namespace/name}, or {@code name} when cluster-scoped. */
  public String key() {
    return namespace() == null ? name() : namespace() + "/" + name();
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  /** For client-java's interfaces; built on each call (no copy is kept per cached object). */
  @Override
  public V1ObjectMeta getMetadata() {
    return new V1ObjectMeta()
        .name(name())
        .namespace(namespace())
        .uid(uid())
        .resourceVersion(resourceVersion());
  }

  @Override
  public String getApiVersion() {
    return node.path("apiVersion").asText(null);
  }

  @Override
  public String getKind() {
    return node.path("kind").asText(null);
  }

  /** Sets the apiVersion when the object has none (KubeRest fills in a list's items itself). */
  public void setApiVersion(String apiVersion) {
    if (!node.hasNonNull("apiVersion")) {
      node.put("apiVersion", apiVersion);
    }
  }

  public void setKind(String kind) {
    if (!node.hasNonNull("kind")) {
      node.put("kind", kind);
    }
  }

  @Override
  public String toString() {
    return getKind() + " " + key() + "@" + resourceVersion();
  }
}
