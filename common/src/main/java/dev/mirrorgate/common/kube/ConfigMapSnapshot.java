package dev.mirrorgate.common.kube;

import java.util.Map;

/**
 * What a ConfigMap held at one resource version: its data and enough identity to point a Kubernetes
 * Event at it. Callers never see the generated client models.
 */
public record ConfigMapSnapshot(
    ConfigMapRef ref, String uid, String resourceVersion, Map<String, String> data) {
  public ConfigMapSnapshot {
    data = data == null ? Map.of() : Map.copyOf(data);
  }

  /** This ConfigMap as the subject of an Event. */
  public InvolvedObject involvedObject() {
    return new InvolvedObject("v1", "ConfigMap", ref.namespace(), ref.name(), uid, resourceVersion);
  }
}
