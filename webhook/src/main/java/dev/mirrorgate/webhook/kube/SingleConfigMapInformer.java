package dev.mirrorgate.webhook.kube;

import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.kube.ConfigMapSnapshot;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official client's informer on exactly one ConfigMap: a namespaced list and watch narrowed by
 * {@code fieldSelector=metadata.name=NAME}, so a Role limited to that name by {@code resourceNames}
 * is enough and nothing else in the namespace is cached. The informer relists when a watch expires
 * (410 Gone) and keeps retrying while the API server is away; the listener hears each new resource
 * version once, and deletions.
 */
public final class SingleConfigMapInformer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SingleConfigMapInformer.class);

  /** Called on the informer's thread, one call at a time. */
  public interface Listener {
    /** The ConfigMap exists at a resource version not seen before (first sight or a change). */
    void changed(ConfigMapSnapshot snapshot);

    /** The ConfigMap was deleted; {@code last} is what it held. */
    void deleted(ConfigMapSnapshot last);
  }

  private final ConfigMapRef ref;
  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1ConfigMap> informer;
  private final ExecutorService executor;
  private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
  private volatile boolean closed;
  private long lastFailureLog;
  private int failuresSinceLog;

  /**
   * @param watchClient a client without read timeout (see {@link KubernetesClients#forWatches()})
   */
  public SingleConfigMapInformer(ApiClient watchClient, ConfigMapRef ref, Listener listener) {
    this.ref = ref;
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "configmap-informer-" + ref.name());
              thread.setDaemon(true);
              return thread;
            });
    this.factory = new SharedInformerFactory(watchClient, executor, false);
    CoreV1Api core = new CoreV1Api(watchClient);
    this.informer =
        factory.sharedIndexInformerFor(
            params ->
                core.listNamespacedConfigMap(ref.namespace())
                    .fieldSelector(ref.fieldSelector())
                    .resourceVersion(params.resourceVersion)
                    .watch(params.watch)
                    .allowWatchBookmarks(params.watch)
                    .timeoutSeconds(params.timeoutSeconds)
                    .buildCall(null),
            V1ConfigMap.class,
            V1ConfigMapList.class,
            0L,
            (type, error) -> failed(error));
    informer.addEventHandler(new Handler(listener));
  }

  /** Starts listing and watching in the background. */
  public void start() {
    log.info("watching configmap {} (fieldSelector {})", ref, ref.fieldSelector());
    factory.startAllRegisteredInformers();
  }

  /** Whether the first list has completed. */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    closed = true;
    factory.stopAllRegisteredInformers(true);
    executor.shutdownNow();
  }

  /**
   * The informer retries every second; while the API server is away or RBAC forbids the list, one
   * line a minute says so (with how many failures it stands for), not one a second.
   */
  private synchronized void failed(Throwable error) {
    if (closed) {
      return; // stopping interrupts the watch: not worth a warning
    }
    long now = System.nanoTime();
    failuresSinceLog++;
    if (lastFailureLog == 0 || now - lastFailureLog >= FAILURE_LOG_INTERVAL.toNanos()) {
      log.warn(
          "list/watch of configmap {} failed ({} time(s) since the last report), retrying: {}",
          ref,
          failuresSinceLog,
          describe(error));
      lastFailureLog = now;
      failuresSinceLog = 0;
    }
  }

  private ConfigMapSnapshot snapshot(V1ConfigMap configMap) {
    V1ObjectMeta meta = Objects.requireNonNullElseGet(configMap.getMetadata(), V1ObjectMeta::new);
    return new ConfigMapSnapshot(
        ref, meta.getUid(), meta.getResourceVersion(), configMap.getData());
  }

  private static String describe(Throwable error) {
    if (error instanceof io.kubernetes.client.openapi.ApiException api && api.getCode() != 0) {
      return "HTTP " + api.getCode() + " " + api.getResponseBody();
    }
    return String.valueOf(error);
  }

  private final class Handler implements ResourceEventHandler<V1ConfigMap> {
    private final Listener listener;
    private String lastResourceVersion;

    Handler(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onAdd(V1ConfigMap configMap) {
      deliver(configMap);
    }

    @Override
    public void onUpdate(V1ConfigMap before, V1ConfigMap after) {
      deliver(after); // a relist after a watch expiry replays the same version: skipped below
    }

    @Override
    public void onDelete(V1ConfigMap configMap, boolean finalStateUnknown) {
      lastResourceVersion = null;
      listener.deleted(snapshot(configMap));
    }

    private void deliver(V1ConfigMap configMap) {
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
