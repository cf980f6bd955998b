package dev.mirrorgate.webhook.deploy;

import dev.mirrorgate.common.update.NotAWorkloadException;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.Workload;
import dev.mirrorgate.common.update.WorkloadTracker;
import dev.mirrorgate.common.update.WorkloadTracking;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import io.kubernetes.client.informer.ResourceEventHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Deployment, StatefulSet, DaemonSet and CronJob with a tracked container, indexed by the
 * normalized repositories its tracked containers follow: a push costs a lookup and the matching
 * containers, never a list of the cluster (Argoos lists every namespace per event). Workloads are
 * kept as a lean projection; their tracking (policies, triggers, settings, annotation problems) is
 * computed once per resourceVersion by the engine.
 */
public final class WorkloadIndex {

  /** One indexed workload. */
  public record Entry(ApiResource resource, KubeObject object, WorkloadTracking tracking) {
    public String key() {
      return WorkloadIndex.key(resource.kind(), object.namespace(), object.name());
    }
  }

  private final Map<String, Entry> byKey = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byRepository = new ConcurrentHashMap<>();
  private final List<Informer> informers = new ArrayList<>();

  /** Hears the index change, on an informer thread (never block it). */
  public interface Listener {
    /** A new version of a tracked (or problematic) workload. */
    void changed(Entry entry);

    /** A workload left the index (deleted, or nothing tracked any more). */
    default void removed(Entry last) {}
  }

  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public WorkloadIndex(KubeRest watches) {
    for (ApiResource resource : WorkloadProjection.KINDS) {
      Informer informer =
          new Informer(watches, resource, ListQuery.all(), new WorkloadProjection(resource));
      informer.handler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(KubeObject object) {
              put(resource, object);
            }

            @Override
            public void onUpdate(KubeObject before, KubeObject after) {
              put(resource, after);
            }

            @Override
            public void onDelete(KubeObject object, boolean finalStateUnknown) {
              remove(key(resource.kind(), object.namespace(), object.name()));
            }
          });
      informers.add(informer);
    }
  }

  public static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  /** The informers, for the runtime to start and to count in readiness. */
  public List<Informer> informers() {
    return informers;
  }

  public boolean synced() {
    return informers.stream().allMatch(Informer::hasSynced);
  }

  /** The workloads with a tracked container following {@code repository} (normalized). */
  public List<Entry> following(String repository) {
    Set<String> keys = byRepository.get(repository.toLowerCase(Locale.ROOT));
    if (keys == null) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (String key : keys) {
      Entry entry = byKey.get(key);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  public Optional<Entry> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Every indexed workload. */
  public Collection<Entry> all() {
    return byKey.values();
  }

  /** Every repository followed, for polling and resync. */
  public Set<String> repositories() {
    return byRepository.keySet();
  }

  private synchronized void put(ApiResource resource, KubeObject object) {
    String key = key(resource.kind(), object.namespace(), object.name());
    Entry previous = byKey.get(key);
    if (previous != null && previous.object().resourceVersion().equals(object.resourceVersion())) {
      return; // a relist replays the same version
    }
    WorkloadTracking tracking;
    try {
      tracking = WorkloadTracker.track(Workload.of(object.node()));
    } catch (NotAWorkloadException e) {
      remove(key); // no pod template yet (or any more)
      return;
    }
    if (!tracking.followed()) {
      remove(key); // nothing to follow: not kept at all
      return;
    }
    unindex(key);
    Entry entry = new Entry(resource, object, tracking);
    byKey.put(key, entry);
    for (TrackedContainer container : tracking.tracked()) {
      byRepository
          .computeIfAbsent(
              container.repository().toLowerCase(Locale.ROOT), r -> ConcurrentHashMap.newKeySet())
          .add(key);
    }
    listeners.forEach(l -> l.changed(entry));
  }

  /** Adds a listener (before the informers start). */
  public WorkloadIndex listener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  private synchronized void remove(String key) {
    Entry removed = unindex(key);
    if (removed != null) {
      listeners.forEach(l -> l.removed(removed));
    }
  }

  /** Takes {@code key} out of the maps; returns what it held. */
  private synchronized Entry unindex(String key) {
    Entry removed = byKey.remove(key);
    if (removed == null) {
      return null;
    }
    for (TrackedContainer container : removed.tracking().tracked()) {
      String repository = container.repository().toLowerCase(Locale.ROOT);
      Set<String> keys = byRepository.get(repository);
      if (keys != null) {
        keys.remove(key);
        if (keys.isEmpty()) {
          byRepository.remove(repository);
        }
      }
    }
    return removed;
  }
}
