package dev.mirrorgate.common.update;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload push-to-deploy can update, read from its JSON (an API object or a manifest), never
 * through generated models.
 *
 * @param kind its kind
 * @param namespace {@code metadata.namespace}, or null
 * @param name {@code metadata.name}, or null in a manifest without one
 * @param annotations {@code metadata.annotations} (string values only)
 * @param labels {@code metadata.labels} (string values only)
 * @param containers the pod template's containers, then its init containers
 */
public record Workload(
    WorkloadKind kind,
    String namespace,
    String name,
    Map<String, String> annotations,
    Map<String, String> labels,
    List<Container> containers) {

  /**
   * A container of the pod template.
   *
   * @param name its name
   * @param image its image as written (null when absent)
   * @param init whether it is an init container
   * @param imagePointer JSON Pointer of its {@code image} field in the workload
   */
  public record Container(String name, String image, boolean init, String imagePointer) {}

  public Workload {
    Objects.requireNonNull(kind, "kind");
    annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    containers = List.copyOf(containers);
  }

  /**
   * Reads a workload.
   *
   * @throws NotAWorkloadException when the document is not one, saying why
   */
  public static Workload of(JsonNode root) throws NotAWorkloadException {
    if (root == null || !root.isObject()) {
      throw new NotAWorkloadException("not a Kubernetes object (expected a mapping with a kind)");
    }
    String kindName = root.path("kind").asText("");
    WorkloadKind kind =
        WorkloadKind.of(kindName)
            .orElseThrow(
                () ->
                    new NotAWorkloadException(
                        (kindName.isEmpty() ? "no kind" : "kind " + kindName)
                            + " is not a workload (Deployment, StatefulSet, DaemonSet, CronJob)"));
    JsonNode podSpec = root.at(kind.podSpecPointer());
    if (!podSpec.isObject() || !podSpec.path("containers").isArray()) {
      throw new NotAWorkloadException(
          kind.kind() + " has no pod template containers at " + kind.podSpecPointer());
    }
    JsonNode metadata = root.path("metadata");
    List<Container> containers = new ArrayList<>();
    for (String list : List.of("containers", "initContainers")) {
      JsonNode items = podSpec.path(list);
      for (int i = 0; i < items.size(); i++) {
        JsonNode c = items.get(i);
        containers.add(
            new Container(
                c.path("name").asText(""),
                c.path("image").isTextual() ? c.path("image").asText() : null,
                list.equals("initContainers"),
                // a handful of distinct values, kept by every tracked container: shared
                (kind.podSpecPointer() + "/" + list + "/" + i + "/image").intern()));
      }
    }
    return new Workload(
        kind,
        text(metadata.path("namespace")),
        text(metadata.path("name")),
        strings(metadata.path("annotations")),
        strings(metadata.path("labels")),
        containers);
  }

  private static String text(JsonNode n) {
    return n.isTextual() ? n.asText() : null;
  }

  private static Map<String, String> strings(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /** {@code Kind namespace/name}, for messages. */
  public String describe() {
    return kind.kind()
        + " "
        + (namespace == null ? "" : namespace + "/")
        + (name == null ? "(unnamed)" : name);
  }
}
