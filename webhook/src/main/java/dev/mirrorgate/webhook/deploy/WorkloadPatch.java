package dev.mirrorgate.webhook.deploy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.update.Keys;
import dev.mirrorgate.common.update.WorkloadKind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * One strategic merge patch that sets container images of a workload, conditional on the
 * resourceVersion it was decided from (409 when the workload changed since): containers merge by
 * name, so everything else of the pod template is kept. It also sets {@code
 * kubernetes.io/change-cause} and any workload annotations given, and can bump the pod template
 * annotation {@code mirrorgate.dev/updated-at} (an image written without a digest).
 */
public final class WorkloadPatch {

  /** One container's new image. */
  public record ContainerImage(String name, boolean init, String image) {}

  private WorkloadPatch() {}

  /**
   * @param annotations workload annotations to set besides the change cause
   * @param bumpUpdatedAt when to stamp {@code mirrorgate.dev/updated-at}, or null for no bump
   */
  public static ObjectNode of(
      WorkloadKind kind,
      String resourceVersion,
      List<ContainerImage> images,
      String changeCause,
      Map<String, String> annotations,
      Instant bumpUpdatedAt) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = patch.putObject("metadata");
    metadata.put("resourceVersion", resourceVersion);
    ObjectNode workloadAnnotations = metadata.putObject("annotations");
    workloadAnnotations.put(Rollouts.CHANGE_CAUSE, changeCause);
    annotations.forEach(workloadAnnotations::put);
    ObjectNode template = patch;
    for (String part : kind.podTemplatePointer().substring(1).split("/")) {
      template = template.withObject("/" + part);
    }
    ObjectNode podSpec = template.putObject("spec");
    for (ContainerImage image : images) {
      podSpec
          .withArray(image.init() ? "initContainers" : "containers")
          .addObject()
          .put("name", image.name())
          .put("image", image.image());
    }
    if (bumpUpdatedAt != null) {
      template
          .putObject("metadata")
          .putObject("annotations")
          .put(Keys.UPDATED_AT, bumpUpdatedAt.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    return patch;
  }
}
