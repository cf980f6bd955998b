package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An informer over any kind, holding objects as {@link KubeObject}s, optionally projected (only the
 * fields a controller reads are kept): list, then watch from the list's resourceVersion (with
 * bookmarks), relist on 410 Gone or after a failure, a local cache, and event handlers — what
 * client-java's shared informer does, on one virtual thread per informer instead of three or more
 * platform threads (its reflector, its controller loop and a pooled thread per handler).
 *
 * <p>Handlers are called on the informer's thread, one event at a time and in the order the API
 * server sent them, after the cache holds the change; they must not block (they enqueue keys). A
 * relist reports every listed object as added or updated, and an object gone from the list as
 * deleted with {@code finalStateUnknown}. A handler added after the start first hears every cached
 * object as added. While the API server is away or RBAC forbids the list, one warning a minute says
 * so instead of one a second.
 */
public final class Informer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Informer.class);
  private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LAST_RETRY = Duration.ofSeconds(10);

  /** A projection that drops {@code metadata.managedFields}, which controllers never read. */
  public static final UnaryOperator<ObjectNode> WITHOUT_MANAGED_FIELDS =
      node -> {
        node.with("metadata").remove("managedFields");
        return node;
      };

  private final KubeRest watches;
  private final ApiResource resource;
  private final ListQuery query;
  private final UnaryOperator<ObjectNode> projection;
  private final Map<String, KubeObject> cache = new ConcurrentHashMap<>();
  private final List<ResourceEventHandler<KubeObject>> handlers = new CopyOnWriteArrayList<>();

  /** Held while the cache changes and handlers hear of it, and while a handler is added. */
  private final ReentrantLock delivery = new ReentrantLock();

  private volatile boolean started;
  private volatile boolean synced;
  private volatile boolean closed;
  private volatile Thread thread;
  private volatile KubeWatch open;
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
    this.watches = watches;
    this.resource = resource;
    this.query = query;
    this.projection = projection;
  }

  public Informer(KubeRest watches, ApiResource resource, ListQuery query) {
    this(watches, resource, query, UnaryOperator.identity());
  }

  /** Calls {@code onChange} with every object added, updated or deleted (after the change). */
  public Informer onChange(Consumer<KubeObject> onChange) {
    return handler(
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
  }

  /** Adds a handler with the three callbacks. */
  public Informer handler(ResourceEventHandler<KubeObject> handler) {
    delivery.lock();
    try {
      if (started) {
        for (KubeObject object : cache.values()) {
          call(handler, h -> h.onAdd(object));
        }
      }
      handlers.add(handler);
    } finally {
      delivery.unlock();
    }
    return this;
  }

  /** Starts listing and watching in the background (once). */
  public synchronized void start() {
    if (started || closed) {
      return;
    }
    log.info("watching {} ({})", resource, query);
    started = true;
    thread = Thread.ofVirtual().name("informer-" + resource).start(this::run);
  }

  /** Whether the first list has been delivered. */
  public boolean hasSynced() {
    return synced;
  }

  /** The cached object with this namespace (null when cluster-scoped) and name. */
  public Optional<KubeObject> get(String namespace, String name) {
    return Optional.ofNullable(cache.get(namespace == null ? name : namespace + "/" + name));
  }

  /** Every cached object. */
  public List<KubeObject> list() {
    return List.copyOf(cache.values());
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
    KubeWatch watch = open;
    if (watch != null) {
      watch.close();
    }
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
  }

  private void run() {
    String version = null;
    Duration retry = FIRST_RETRY;
    while (!closed) {
      try {
        if (version == null) {
          version = relist();
        }
        version = watch(version);
        retry = FIRST_RETRY;
      } catch (KubeException | RuntimeException e) {
        if (closed) {
          return;
        }
        failed(e);
        version = null;
        try {
          Thread.sleep(retry.plusMillis(ThreadLocalRandom.current().nextLong(retry.toMillis())));
        } catch (InterruptedException interrupted) {
          return;
        }
        retry =
            retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
      }
    }
  }

  /** Lists, brings the cache and the handlers up to the list; returns its resourceVersion. */
  private String relist() throws KubeException {
    KubeObjectList listed = watches.list(resource, query, null, projection);
    failure = null;
    delivery.lock();
    try {
      Set<String> present = new HashSet<>();
      for (KubeObject object : listed.getItems()) {
        present.add(object.key());
        put(object);
      }
      for (KubeObject gone : List.copyOf(cache.values())) {
        if (!present.contains(gone.key())) {
          cache.remove(gone.key());
          deliver(h -> h.onDelete(gone, true));
        }
      }
      synced = true;
    } finally {
      delivery.unlock();
    }
    return listed.getMetadata().getResourceVersion();
  }

  /**
   * Watches from {@code version} until the server ends the watch; returns the last version seen, or
   * null when it is too old (410 Gone: relist).
   */
  private String watch(String version) throws KubeException {
    int timeout = 300 + ThreadLocalRandom.current().nextInt(300);
    try (KubeWatch watch = watches.watch(resource, query, version, timeout)) {
      open = watch;
      failure = null;
      if (closed) {
        return version;
      }
      while (watch.hasNext()) {
        Watch.Response<KubeObject> event = watch.next();
        if (event.object == null) {
          V1Status status = event.status;
          if (status != null && status.getCode() != null && status.getCode() == 410) {
            return null;
          }
          throw new KubeException(
              status == null || status.getCode() == null ? 0 : status.getCode(),
              "watch "
                  + resource
                  + " ("
                  + query
                  + "): "
                  + (status == null ? event.type : status.getMessage()));
        }
        version = apply(event.type, event.object, version);
      }
      return version;
    } catch (KubeException e) {
      if (e.gone()) {
        return null;
      }
      throw e;
    } finally {
      open = null;
    }
  }

  private String apply(String type, KubeObject object, String version) {
    String seen = object.resourceVersion();
    delivery.lock();
    try {
      switch (type) {
        case "ADDED", "MODIFIED" -> put(object);
        case "DELETED" -> {
          if (cache.remove(object.key()) != null) {
            deliver(h -> h.onDelete(object, false));
          }
        }
        default -> {} // BOOKMARK: only its resourceVersion counts
      }
    } finally {
      delivery.unlock();
    }
    return seen == null || seen.isEmpty() ? version : seen;
  }

  private void put(KubeObject object) {
    KubeObject before = cache.put(object.key(), object);
    if (before == null) {
      deliver(h -> h.onAdd(object));
    } else {
      deliver(h -> h.onUpdate(before, object));
    }
  }

  private void deliver(Consumer<ResourceEventHandler<KubeObject>> callback) {
    for (ResourceEventHandler<KubeObject> handler : handlers) {
      call(handler, callback);
    }
  }

  private void call(
      ResourceEventHandler<KubeObject> handler,
      Consumer<ResourceEventHandler<KubeObject>> callback) {
    try {
      callback.accept(handler);
    } catch (RuntimeException e) {
      log.error("a handler of {} ({}) failed", resource, query, e);
    }
  }

  private synchronized void failed(Exception error) {
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
