package dev.mirrorgate.webhook.deploy;

import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The ImageUpdates as an informer holds them, by workload container. */
public final class ImageUpdateHistory {
  private final Informer informer;

  public ImageUpdateHistory(Informer informer) {
    this.informer = informer;
  }

  public Informer informer() {
    return informer;
  }

  public Optional<KubeObject> get(String namespace, String name) {
    return informer.get(namespace, name);
  }

  public List<KubeObject> all() {
    return informer.list();
  }

  /** The key of one workload container's history, as {@link Rollouts#containerKey} makes it. */
  static String containerKey(KubeObject update) {
    return Rollouts.containerKey(
        update.namespace(),
        update.node().path("spec").path("workload").path("kind").asText(),
        update.node().path("spec").path("workload").path("name").asText(),
        update.node().path("spec").path("container").asText());
  }

  /** The Pending (or not yet phased) ImageUpdates of one workload container. */
  public List<KubeObject> pendingOf(String containerKey) {
    return informer.list().stream()
        .filter(u -> containerKey(u).equals(containerKey))
        .filter(u -> Phase.of(u).map(p -> !p.finished()).orElse(true))
        .toList();
  }

  /** The finished ImageUpdates of one workload container, newest first. */
  public List<KubeObject> finishedOf(String containerKey) {
    return informer.list().stream()
        .filter(u -> containerKey(u).equals(containerKey))
        .filter(u -> Phase.of(u).map(Phase::finished).orElse(false))
        .sorted(
            Comparator.comparing(
                    (KubeObject u) ->
                        u.node().path("metadata").path("creationTimestamp").asText(""))
                .reversed()
                .thenComparing(KubeObject::name))
        .toList();
  }
}
