package dev.mirrorgate.webhook.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.ui.data.Votes;
import java.time.Instant;

/**
 * Creates ImageUpdates in a real API server as push-to-deploy would: the spec, then the status
 * (phase) through the status subresource.
 */
public final class TestImageUpdates {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImageUpdates() {}

  public static KubeObject create(
      KubeRest rest,
      String namespace,
      String name,
      String workload,
      String container,
      String from,
      String to,
      int approvalsRequired,
      Instant deadline,
      String phase)
      throws Exception {
    ObjectNode object = JSON.createObjectNode();
    object.put("apiVersion", "mirrorgate.dev/v1alpha1").put("kind", "ImageUpdate");
    object.putObject("metadata").put("namespace", namespace).put("name", name);
    ObjectNode spec = object.putObject("spec");
    spec.putObject("workload").put("kind", "Deployment").put("name", workload);
    spec.put("container", container)
        .put("from", from)
        .put("to", to)
        .put("policy", "keel.sh/policy=minor")
        .put("trigger", "registry")
        .put("approvalsRequired", approvalsRequired);
    if (deadline != null) {
      spec.put("deadline", deadline.toString());
    }
    rest.create(Votes.IMAGE_UPDATES, object);
    if (phase == null) {
      return rest.get(Votes.IMAGE_UPDATES, namespace, name).orElseThrow();
    }
    ObjectNode status = JSON.createObjectNode();
    status.putObject("status").put("phase", phase);
    return rest.mergePatchStatus(Votes.IMAGE_UPDATES, namespace, name, status);
  }
}
