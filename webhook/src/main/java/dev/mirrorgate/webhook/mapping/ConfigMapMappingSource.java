package dev.mirrorgate.webhook.mapping;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.kube.ConfigMapSnapshot;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.webhook.kube.EventRecorder;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.SingleConfigMapInformer;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the mapping from one ConfigMap ({@code serve --mapping-configmap NS/NAME}, key {@code
 * mapping.yaml} or {@code maps}), watched through an informer, so an edit is in force within a
 * second or so. A broken version is rejected with every error (log line, {@code
 * mirrorgate_mapping_reloads_total{source="configmap",result="invalid"}}, a Warning Event {@value
 * #REJECTED_REASON} on the ConfigMap) and the last good mapping keeps serving; so it does when the
 * ConfigMap is deleted, until it is created again.
 *
 * <p>RBAC, in the ConfigMap's namespace: {@code get, list, watch} on {@code configmaps} with {@code
 * resourceNames: [NAME]} (the list and watch carry {@code fieldSelector=metadata.name=NAME}, which
 * the API server authorizes as a request for that name), and {@code create} on {@code events}.
 */
public final class ConfigMapMappingSource implements SingleConfigMapInformer.Listener {
  static final String REJECTED_REASON = "MappingRejected";
  private static final Logger log = LoggerFactory.getLogger(ConfigMapMappingSource.class);

  private final ConfigMapRef ref;
  private final MappingLoader loader;
  private final MappingHolder holder;
  private final WebhookMetrics metrics;
  private final EventRecorder events;
  private final SingleConfigMapInformer informer;

  /**
   * @param watches a client without read timeout, for the informer
   * @param events where rejections are reported
   */
  public ConfigMapMappingSource(
      KubeRest watches,
      ConfigMapRef ref,
      MappingLoader loader,
      MappingHolder holder,
      WebhookMetrics metrics,
      EventRecorder events) {
    this.ref = ref;
    this.loader = loader;
    this.holder = holder;
    this.metrics = metrics;
    this.events = events;
    this.informer = new SingleConfigMapInformer(watches, ref, this);
  }

  public void start() {
    informer.start();
  }

  public void stop() {
    informer.close();
  }

  /** Whether the first list of the ConfigMap has completed (found or not). */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public void changed(ConfigMapSnapshot snapshot) {
    String origin = "configmap " + ref;
    try {
      LoadedMapping loaded = loader.fromConfigMap(origin, snapshot.data());
      holder.set(loaded);
      metrics.mappingReload("configmap", "loaded");
      log.info(
          "mapping loaded",
          kv("origin", origin),
          kv("resourceVersion", snapshot.resourceVersion()),
          kv("version", loaded.version()),
          kv("rules", loaded.mapping().rules().size()),
          kv("excludes", loaded.mapping().excludes().size()));
    } catch (MappingException e) {
      metrics.mappingReload("configmap", "invalid");
      log.error(
          "mapping rejected, {}",
          holder.isLoaded() ? "the previous mapping keeps serving" : "no mapping is serving yet",
          kv("origin", origin),
          kv("resourceVersion", snapshot.resourceVersion()),
          kv("errors", e.errors()));
      report(snapshot, e);
    }
  }

  @Override
  public void deleted(ConfigMapSnapshot last) {
    log.warn(
        "configmap {} was deleted; {} until it is created again",
        ref,
        holder.isLoaded() ? "the last good mapping keeps serving" : "no mapping is serving",
        kv("origin", "configmap " + ref),
        kv("resourceVersion", last.resourceVersion()));
  }

  private void report(ConfigMapSnapshot snapshot, MappingException rejected) {
    String message = EventMessages.joinErrors(rejected.errors());
    try {
      events.warning(snapshot.involvedObject(), REJECTED_REASON, message);
    } catch (KubeException e) {
      log.warn(
          "cannot record the {} event on configmap {}: {}", REJECTED_REASON, ref, e.getMessage());
    } catch (RuntimeException e) {
      log.warn(
          "cannot record the {} event on configmap {}: {}", REJECTED_REASON, ref, e.toString());
    }
  }
}
