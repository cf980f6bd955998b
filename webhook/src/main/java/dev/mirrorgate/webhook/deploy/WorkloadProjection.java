package dev.mirrorgate.webhook.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.json.CompactNodeFactory;
import dev.mirrorgate.common.update.NotAWorkloadException;
import dev.mirrorgate.common.update.Workload;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.common.update.WorkloadTracker;
import dev.mirrorgate.common.update.WorkloadTracking;
import dev.mirrorgate.webhook.kube.ApiResource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the workload index keeps of a workload: identity, labels and annotations, each container's
 * name and image (where the pod template has them, so the engine reads the projection as it reads
 * the object), the pull secrets and ServiceAccount of the pod template, and the few status fields a
 * rollback watches. Everything else (env, probes, volumes, managed fields) is dropped as each
 * object arrives, so memory grows with the number of containers, not with the size of the specs. A
 * workload that nothing follows (no tracked container, no annotation problem: most of a cluster) is
 * kept as its identity alone; the index ignores it, and when its annotations change the watch
 * brings the whole object again.
 */
public final class WorkloadProjection implements UnaryOperator<ObjectNode> {
  public static final ApiResource DEPLOYMENTS = ApiResource.DEPLOYMENTS;
  public static final ApiResource STATEFUL_SETS = ApiResource.STATEFUL_SETS;
  public static final ApiResource DAEMON_SETS =
      new ApiResource("apps", "v1", "daemonsets", "DaemonSet", true);
  public static final ApiResource CRON_JOBS =
      new ApiResource("batch", "v1", "cronjobs", "CronJob", true);
  public static final List<ApiResource> KINDS =
      List.of(DEPLOYMENTS, STATEFUL_SETS, DAEMON_SETS, CRON_JOBS);

  private static final List<String> METADATA =
      List.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "labels",
          "annotations",
          "deletionTimestamp");
  private static final List<String> IDENTITY =
      List.of("name", "namespace", "uid", "resourceVersion");
  private static final List<String> STATUS =
      List.of(
          "observedGeneration",
          "replicas",
          "updatedReplicas",
          "readyReplicas",
          "availableReplicas",
          "unavailableReplicas",
          "conditions");

  private final ApiResource resource;

  public WorkloadProjection(ApiResource resource) {
    this.resource = resource;
  }

  @Override
  public ObjectNode apply(ObjectNode object) {
    ObjectNode kept = CompactNodeFactory.INSTANCE.objectNode();
    kept.put("apiVersion", object.path("apiVersion").asText(resource.apiVersion()));
    kept.put("kind", object.path("kind").asText(resource.kind()));
    copy(object.path("metadata"), kept.putObject("metadata"), METADATA);
    WorkloadKind kind = WorkloadKind.of(kept.path("kind").asText()).orElse(null);
    if (kind != null) {
      JsonNode podSpec = object.at(kind.podSpecPointer());
      ObjectNode keptSpec = ensure(kept, kind.podSpecPointer());
      for (String list : List.of("containers", "initContainers")) {
        if (podSpec.path(list).isArray()) {
          var containers = keptSpec.putArray(list);
          for (JsonNode container : podSpec.path(list)) {
            ObjectNode c = containers.addObject();
            copy(container, c, List.of("name", "image"));
          }
        }
      }
      copy(podSpec, keptSpec, List.of("imagePullSecrets", "serviceAccountName"));
    }
    if (object.has("status")) {
      copy(object.path("status"), kept.putObject("status"), STATUS);
    }
    return followed(kept) ? kept : identity(kept);
  }

  /** Whether the index keeps {@code kept} ({@link WorkloadTracking#followed()}). */
  static boolean followed(ObjectNode kept) {
    try {
      return WorkloadTracker.track(Workload.of(kept)).followed();
    } catch (NotAWorkloadException e) {
      return false;
    }
  }

  /** A workload nothing follows: only what the informer needs to know it (name, version). */
  private static ObjectNode identity(ObjectNode kept) {
    ObjectNode identity = CompactNodeFactory.INSTANCE.objectNode();
    identity.set("apiVersion", kept.get("apiVersion"));
    identity.set("kind", kept.get("kind"));
    copy(kept.path("metadata"), identity.putObject("metadata"), IDENTITY);
    return identity;
  }

  /** The object at {@code pointer} under {@code root}, created with every parent. */
  private static ObjectNode ensure(ObjectNode root, String pointer) {
    ObjectNode at = root;
    for (String part : pointer.substring(1).split("/")) {
      at = at.withObjectProperty(part.intern()); // the same key string in every workload
    }
    return at;
  }

  private static void copy(JsonNode from, ObjectNode to, List<String> fields) {
    for (String field : fields) {
      JsonNode value = from.get(field);
      if (value != null && !value.isNull()) {
        to.set(field, value);
      }
    }
  }
}
