package dev.mirrorgate.webhook.ui.data;

import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ImageUpdates of every namespace, from the informer's cache, as sorted views: rebuilt only
 * after the cache changed ({@link #changed()}), so a page or an API list reads a ready snapshot.
 */
public final class ImageUpdateIndex {
  /** Newest first (creation time), then by namespace and name. */
  static final Comparator<UpdateView> NEWEST_FIRST =
      Comparator.comparing((UpdateView u) -> u.created() == null ? "" : u.created())
          .reversed()
          .thenComparing(UpdateView::namespace)
          .thenComparing(UpdateView::name);

  /** Soonest deadline first (none last), then newest. */
  static final Comparator<UpdateView> SOONEST_DEADLINE =
      Comparator.comparing((UpdateView u) -> u.deadline() == null ? "\uffff" : u.deadline())
          .thenComparing(NEWEST_FIRST);

  private record Snapshot(
      List<UpdateView> newestFirst, List<UpdateView> pending, Map<String, UpdateView> pendingBy) {}

  private final Supplier<? extends Collection<KubeObject>> cache;
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), Map.of());

  /**
   * @param cache the informer's objects (read again after {@link #changed()})
   */
  public ImageUpdateIndex(Supplier<? extends Collection<KubeObject>> cache) {
    this.cache = cache;
  }

  /** The cache changed: the next read rebuilds the snapshot. */
  public void changed() {
    dirty.set(true);
  }

  /** Every ImageUpdate, newest first. */
  public List<UpdateView> all() {
    return snapshot().newestFirst();
  }

  /** The Pending ones, soonest deadline first. */
  public List<UpdateView> pending() {
    return snapshot().pending();
  }

  /** The Pending update of one workload container, if any (the newest when several). */
  public Optional<UpdateView> pendingFor(
      String namespace, String kind, String name, String container) {
    return Optional.ofNullable(snapshot().pendingBy().get(key(namespace, kind, name, container)));
  }

  /**
   * The updates matching the filters, newest first. Null or empty filters match everything.
   *
   * @param phases the phases to keep (empty: all)
   * @param workload matches the workload's name exactly
   */
  public List<UpdateView> query(String namespace, String workload, Set<String> phases) {
    Predicate<UpdateView> keep = u -> true;
    if (namespace != null && !namespace.isEmpty()) {
      keep = keep.and(u -> namespace.equals(u.namespace()));
    }
    if (workload != null && !workload.isEmpty()) {
      keep = keep.and(u -> workload.equals(u.workload().name()));
    }
    if (phases != null && !phases.isEmpty()) {
      keep = keep.and(u -> u.phase() != null && phases.contains(u.phase()));
    }
    return all().stream().filter(keep).toList();
  }

  private Snapshot snapshot() {
    if (dirty.compareAndSet(true, false)) {
      List<UpdateView> views =
          cache.get().stream().map(UpdateView::of).sorted(NEWEST_FIRST).toList();
      List<UpdateView> pending =
          views.stream().filter(UpdateView::pending).sorted(SOONEST_DEADLINE).toList();
      Map<String, UpdateView> pendingBy = new HashMap<>();
      for (UpdateView u : views) { // newest first: the first one seen per container stays
        if (u.pending()) {
          pendingBy.putIfAbsent(
              key(u.namespace(), u.workload().kind(), u.workload().name(), u.container()), u);
        }
      }
      snapshot = new Snapshot(views, pending, Map.copyOf(pendingBy));
    }
    return snapshot;
  }

  private static String key(String namespace, String kind, String name, String container) {
    return namespace + "\0" + kind + "\0" + name + "\0" + container;
  }
}
