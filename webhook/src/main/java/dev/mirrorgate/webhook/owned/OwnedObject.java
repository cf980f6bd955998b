package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The skeleton every owned object starts from: {@code apiVersion}, {@code kind} and {@code
 * metadata} with name, namespace, the labels of {@link #labels} and an ownerReference to the custom
 * resource. What server-side apply with field manager {@code mirrorgate} sends.
 */
public final class OwnedObject {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MIRRORGATE = "mirrorgate";

  /**
   * The pod template annotation whose value changes whenever what the pods read at start changes
   * (configuration, certificate, credentials): a renewal rolls the pods.
   */
  public static final String CONFIG_HASH = "mirrorgate.dev/config-hash";

  private OwnedObject() {}

  /**
   * The labels of every object of one custom resource.
   *
   * @param app what runs ({@code registry-mirror}, {@code registry}): {@code
   *     app.kubernetes.io/name}
   * @param instance the custom resource's name
   * @param component the role ({@code caching-proxy}, {@code registry})
   */
  public static Map<String, String> labels(String app, String instance, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.putAll(selector(app, instance));
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, MIRRORGATE);
    labels.put(PART_OF, MIRRORGATE);
    return labels;
  }

  /** The labels that select the pods of one custom resource, and nothing else. */
  public static Map<String, String> selector(String app, String instance) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, app);
    labels.put(INSTANCE, instance);
    return labels;
  }

  /** An object owned (ownerReference, controller) by {@code owner}. */
  public static ObjectNode of(
      String apiVersion,
      String kind,
      String name,
      String namespace,
      Map<String, String> labels,
      Owner owner) {
    ObjectNode object = unowned(apiVersion, kind, name, namespace, labels);
    ObjectNode metadata = (ObjectNode) object.get("metadata");
    metadata.putArray("ownerReferences").add(owner.ownerReference());
    return object;
  }

  /** An object without an ownerReference: one that outlives its custom resource (a kept PVC). */
  public static ObjectNode unowned(
      String apiVersion, String kind, String name, String namespace, Map<String, String> labels) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    metadata.set("labels", map(labels));
    return object;
  }

  /** A JSON object of the map, in its iteration order. */
  public static ObjectNode map(Map<String, String> values) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    values.forEach(node::put);
    return node;
  }
}
