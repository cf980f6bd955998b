package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.kube.ConfigMapSnapshot;
import io.kubernetes.client.informer.ResourceEventHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link Informer} on exactly one ConfigMap: a namespaced list and watch narrowed by {@code
 * fieldSelector=metadata.name=NAME}, so a Role limited to that name by {@code resourceNames} is
 * enough and nothing else in the namespace is cached. The informer relists when a watch expires
 * (410 Gone) and keeps retrying while the API server is away (one log line a minute says so); the
 * listener hears each new resource version once, and deletions, on the informer's thread.
 */
public final class SingleConfigMapInformer implements AutoCloseable {
  /** Called on the informer's thread, one call at a time. */
  public interface Listener {
    /** The ConfigMap exists at a resource version not seen before (first sight or a change). */
    void changed(ConfigMapSnapshot snapshot);

    /** The ConfigMap was deleted; {@code last} is what it held. */
    void deleted(ConfigMapSnapshot last);
  }

  private final ConfigMapRef ref;
  private final Informer informer;

  /**
   * @param watches a client without read timeout (see {@link KubernetesClients#forWatches()})
   */
  public SingleConfigMapInformer(KubeRest watches, ConfigMapRef ref, Listener listener) {
    this.ref = ref;
    this.informer =
        new Informer(
            watches,
            ApiResource.CONFIG_MAPS,
            ListQuery.in(ref.namespace()).withFields(ref.fieldSelector()),
            Informer.WITHOUT_MANAGED_FIELDS);
    informer.handler(new Handler(listener));
  }

  /** Starts listing and watching in the background (the informer logs what it watches). */
  public void start() {
    informer.start();
  }

  /** Whether the first list has completed. */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    informer.close();
  }

  private ConfigMapSnapshot snapshot(KubeObject configMap) {
    Map<String, String> data = new LinkedHashMap<>();
    configMap
        .node()
        .path("data")
        .properties()
        .forEach(
            field -> {
              JsonNode value = field.getValue();
              if (value.isTextual()) {
                data.put(field.getKey(), value.asText());
              }
            });
    JsonNode metadata = configMap.node().path("metadata");
    return new ConfigMapSnapshot(
        ref,
        metadata.path("uid").asText(null),
        metadata.path("resourceVersion").asText(null),
        data);
  }

  private final class Handler implements ResourceEventHandler<KubeObject> {
    private final Listener listener;
    private String lastResourceVersion;

    Handler(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onAdd(KubeObject configMap) {
      deliver(configMap);
    }

    @Override
    public void onUpdate(KubeObject before, KubeObject after) {
      deliver(after); // a relist after a watch expiry replays the same version: skipped below
    }

    @Override
    public void onDelete(KubeObject configMap, boolean finalStateUnknown) {
      lastResourceVersion = null;
      listener.deleted(snapshot(configMap));
    }

    private void deliver(KubeObject configMap) {
      ConfigMapSnapshot snapshot = snapshot(configMap);
      if (snapshot.resourceVersion() != null
          && snapshot.resourceVersion().equals(lastResourceVersion)) {
        return;
      }
      lastResourceVersion = snapshot.resourceVersion();
      listener.changed(snapshot);
    }
  }
}
