package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The custom resource that owns objects: what an ownerReference, an Event and a status update need
 * to name it.
 *
 * @param apiVersion e.g. {@code mirrorgate.dev/v1alpha1} or {@code k8s.osp.tech/v1}
 * @param namespace empty for a cluster-scoped resource
 * @param uid the API server's uid, empty when the object was never stored (a dry run)
 * @param generation {@code metadata.generation}, 0 when absent; what {@code observedGeneration}
 *     reports
 */
public record Owner(
    String apiVersion, String kind, String name, String namespace, String uid, long generation) {

  /** The owner as the object {@code cr} describes itself; absent fields are empty. */
  public static Owner of(JsonNode cr) {
    JsonNode metadata = cr.path("metadata");
    return new Owner(
        text(cr.path("apiVersion")),
        text(cr.path("kind")),
        text(metadata.path("name")),
        text(metadata.path("namespace")),
        text(metadata.path("uid")),
        metadata.path("generation").canConvertToLong() ? metadata.path("generation").asLong() : 0);
  }

  /**
   * A controller ownerReference to this owner: the garbage collector deletes the dependent with it,
   * and {@code blockOwnerDeletion} makes foreground deletion wait for the dependent.
   */
  public ObjectNode ownerReference() {
    ObjectNode ref = JsonNodeFactory.instance.objectNode();
    ref.put("apiVersion", apiVersion);
    ref.put("kind", kind);
    ref.put("name", name);
    ref.put("uid", uid);
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : "";
  }
}
