package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.ImageUpdateIndex;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Joins and filters shared by the pages and the API. */
final class Views {
  private Views() {}

  static final Comparator<TrackedWorkload> WORKLOAD_ORDER =
      Comparator.comparing(TrackedWorkload::namespace)
          .thenComparing(TrackedWorkload::name)
          .thenComparing(TrackedWorkload::kind)
          .thenComparing(TrackedWorkload::container);

  /** A tracked container with its newest decision and its pending update. */
  record Joined(TrackedWorkload workload, Decision last, UpdateView pending) {}

  /**
   * The tracked containers matching {@code namespace} (exact, or any when empty) and {@code text}
   * (contained in the workload's name, the container's name or the image, without case), in order.
   */
  static List<Joined> workloads(
      List<TrackedWorkload> all,
      List<Decision> decisions,
      ImageUpdateIndex updates,
      String namespace,
      String text) {
    Map<String, Decision> last = new HashMap<>();
    for (Decision d : decisions) { // newest first: the first per container stays
      last.putIfAbsent(key(d.namespace(), d.kind(), d.name(), d.container()), d);
    }
    String needle = text == null ? "" : text.toLowerCase(Locale.ROOT);
    return all.stream()
        .filter(w -> namespace == null || namespace.isEmpty() || namespace.equals(w.namespace()))
        .filter(
            w ->
                needle.isEmpty()
                    || w.name().toLowerCase(Locale.ROOT).contains(needle)
                    || w.container().toLowerCase(Locale.ROOT).contains(needle)
                    || w.image().toLowerCase(Locale.ROOT).contains(needle))
        .sorted(WORKLOAD_ORDER)
        .map(
            w ->
                new Joined(
                    w,
                    last.get(key(w.namespace(), w.kind(), w.name(), w.container())),
                    updates
                        .pendingFor(w.namespace(), w.kind(), w.name(), w.container())
                        .orElse(null)))
        .toList();
  }

  /** The decisions of {@code namespace} and {@code workload} (exact; empty matches all). */
  static List<Decision> decisions(List<Decision> all, String namespace, String workload) {
    return all.stream()
        .filter(d -> namespace == null || namespace.isEmpty() || namespace.equals(d.namespace()))
        .filter(d -> workload == null || workload.isEmpty() || workload.equals(d.name()))
        .toList();
  }

  private static String key(String namespace, String kind, String name, String container) {
    return namespace + "\0" + kind + "\0" + name + "\0" + container;
  }
}
