package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an AdmissionReview request that mirrorgate acts on; {@code object} is the raw Pod
 * tree, never a generated model class, so unknown fields survive untouched.
 *
 * @param apiVersion {@code admission.k8s.io/v1} or {@code admission.k8s.io/v1beta1}, echoed back
 * @param subResource empty when the request is for the main resource
 * @param object what admission reads of the object: metadata (name, generateName, labels,
 *     annotations) and each container's name and image, every list element kept in place so that
 *     JSON Pointers into it address the full object; a {@code NullNode} or {@code MissingNode} when
 *     there is none (DELETE, CONNECT)
 */
public record AdmissionRequest(
    String apiVersion,
    String uid,
    String resource,
    String subResource,
    String operation,
    String namespace,
    String name,
    boolean dryRun,
    JsonNode object) {

  /** True for the {@code pods} resource, which is the only one mirrorgate mutates. */
  public boolean isPod() {
    return "pods".equals(resource);
  }

  /** True for the {@code pods/ephemeralcontainers} subresource. */
  public boolean isEphemeralContainersUpdate() {
    return "ephemeralcontainers".equals(subResource);
  }

  /** The Pod's name for logs: its name, else its generateName, else empty. */
  public String podName() {
    if (!name.isEmpty()) {
      return name;
    }
    return object.path("metadata").path("generateName").asText("");
  }
}
