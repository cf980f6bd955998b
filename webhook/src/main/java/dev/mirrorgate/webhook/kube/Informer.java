package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * client-java's shared informer (list, watch, relist on 410 Gone, local cache, event handlers) over
 * any kind, holding objects as {@link KubeObject}s, optionally projected (only the fields a
 * controller reads are kept). While the API server is away or RBAC forbids the list, one warning a
 * minute says so instead of one a second.
 */
public final class Informer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Informer.class);
  private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);

  /** A projection that drops {@code metadata.managedFields}, which controllers never read. */
  public static final UnaryOperator<ObjectNode> WITHOUT_MANAGED_FIELDS =
      node -> {
        node.with("metadata").remove("managedFields");
        return node;
      };

  private final ApiResource resource;
  private final ListQuery query;
  private final DefaultSharedIndexInformer<KubeObject, KubeObjectList> informer;
  private final Cache<KubeObject> cache = new Cache<>();
  private volatile boolean closed;
  private volatile String failure;
  private long lastFailureLog;
  private int failuresSinceLog;

  /**
   * @param watches a client without read timeout
   * @param projection trims each object before it is cached (identity to keep everything)
   */
  public Informer(
      KubeRest watches,
      ApiResource resource,
      ListQuery query,
      UnaryOperator<ObjectNode> projection) {
    this.resource = resource;
    this.query = query;
    ListerWatcher<KubeObject, KubeObjectList> listerWatcher =
        new ListerWatcher<>() {
          @Override
          public KubeObjectList list(CallGeneratorParams params) throws ApiException {
            try {
              KubeObjectList listed =
                  watches.list(resource, query, params.resourceVersion, projection);
              failure = null;
              return listed;
            } catch (KubeException e) {
              throw new ApiException(e.getMessage(), e, e.status(), null, null);
            }
          }

          @Override
          public Watchable<KubeObject> watch(CallGeneratorParams params) throws ApiException {
            try {
              Watchable<KubeObject> watch =
                  watches
                      .watch(resource, query, params.resourceVersion, params.timeoutSeconds)
                      .projecting(projection);
              failure = null;
              return watch;
            } catch (KubeException e) {
              throw new ApiException(e.getMessage(), e, e.status(), null, null);
            }
          }
        };
    this.informer =
        new DefaultSharedIndexInformer<>(
            KubeObject.class, listerWatcher, 0L, cache, (type, error) -> failed(error));
  }

  public Informer(KubeRest watches, ApiResource resource, ListQuery query) {
    this(watches, resource, query, UnaryOperator.identity());
  }

  /** Calls {@code onChange} with every object added, updated or deleted (after the change). */
  public Informer onChange(Consumer<KubeObject> onChange) {
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(KubeObject object) {
            onChange.accept(object);
          }

          @Override
          public void onUpdate(KubeObject before, KubeObject after) {
            onChange.accept(after);
          }

          @Override
          public void onDelete(KubeObject object, boolean finalStateUnknown) {
            onChange.accept(object);
          }
        });
    return this;
  }

  /** Adds a handler with the three callbacks. */
  public Informer handler(ResourceEventHandler<KubeObject> handler) {
    informer.addEventHandler(handler);
    return this;
  }

  /** Starts listing and watching in the background. */
  public void start() {
    log.info("watching {} ({})", resource, query);
    informer.run();
  }

  /** Whether the first list has been delivered. */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The cached object with this namespace (null when cluster-scoped) and name. */
  public Optional<KubeObject> get(String namespace, String name) {
    return Optional.ofNullable(cache.getByKey(namespace == null ? name : namespace + "/" + name));
  }

  /** Every cached object. */
  public List<KubeObject> list() {
    return cache.list();
  }

  public ApiResource resource() {
    return resource;
  }

  /**
   * Why the last list or watch failed, while it has not succeeded since (the API server is away, or
   * RBAC forbids it); empty while the informer is connected.
   */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void close() {
    closed = true;
    informer.stop();
  }

  private synchronized void failed(Throwable error) {
    if (closed) {
      return;
    }
    failure = error.getMessage() == null ? error.toString() : error.getMessage();
    long now = System.nanoTime();
    failuresSinceLog++;
    if (lastFailureLog == 0 || now - lastFailureLog >= FAILURE_LOG_INTERVAL.toNanos()) {
      log.warn(
          "list/watch of {} ({}) failed ({} time(s) since the last report), retrying: {}",
          resource,
          query,
          failuresSinceLog,
          error.getMessage());
      lastFailureLog = now;
      failuresSinceLog = 0;
    }
  }
}
