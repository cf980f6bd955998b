package dev.mirrorgate.webhook.kube;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** A list response: its items and the resourceVersion to watch from. */
public final class KubeObjectList implements KubernetesListObject {
  private final String apiVersion;
  private final String kind;
  private final V1ListMeta meta;
  private final List<KubeObject> items;

  public KubeObjectList(
      String apiVersion, String kind, String resourceVersion, List<KubeObject> items) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.meta = new V1ListMeta().resourceVersion(resourceVersion);
    this.items = List.copyOf(items);
  }

  @Override
  public V1ListMeta getMetadata() {
    return meta;
  }

  @Override
  public List<KubeObject> getItems() {
    return items;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }
}
