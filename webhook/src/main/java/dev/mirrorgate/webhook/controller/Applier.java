package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.util.Optional;

/**
 * Writes owned objects with server-side apply, only when the observed object (from an informer
 * cache) is not already the desired one, and says what kind of change it was: a new object, a new
 * desired form, or a repair of someone else's edit or deletion. Where apply leaves another
 * manager's additions in place (an extra port in a list), a merge patch of the desired object
 * follows, so the object ends up as rendered.
 */
public final class Applier {
  /** What an apply did. */
  public enum Change {
    UNCHANGED,
    CREATED,
    UPDATED,
    /** Edited or deleted by someone else and put back. */
    REPAIRED;

    public boolean wrote() {
      return this != UNCHANGED;
    }
  }

  /** The object as the API server holds it after the apply, and what changed. */
  public record Applied(KubeObject object, Change change) {}

  private final KubeRest rest;
  private final ControllerMetrics metrics;
  private final String controller;

  public Applier(KubeRest rest, ControllerMetrics metrics, String controller) {
    this.rest = rest;
    this.metrics = metrics;
    this.controller = controller;
  }

  /**
   * Applies {@code desired} unless {@code observed} already is it.
   *
   * @param existedBefore whether the object is known to have existed (its owner's status says it
   *     was reconciled): a missing object is then a deletion to repair, not a first creation
   */
  public Applied apply(
      ApiResource resource,
      DesiredObject desired,
      Optional<KubeObject> observed,
      boolean existedBefore)
      throws KubeException {
    if (observed.isPresent() && desired.satisfiedBy(observed.get().node())) {
      return new Applied(observed.get(), Change.UNCHANGED);
    }
    KubeObject written;
    try {
      written = rest.apply(resource, desired.node());
    } catch (KubeException e) {
      if (e.status() != 422 || observed.isEmpty()) {
        throw e;
      }
      // Merged with another manager's edit the object would be invalid (a second port of the
      // same name): the merge patch below replaces that list instead.
      written = observed.get();
    }
    if (!desired.satisfiedBy(written.node())) {
      // Apply keeps what other managers own (a port added by hand, a list they rewrote): a merge
      // patch of the desired object replaces those lists as a whole.
      written = rest.mergePatch(resource, desired.namespace(), desired.name(), desired.node());
    }
    Change change;
    if (observed.isEmpty()) {
      change = existedBefore ? Change.REPAIRED : Change.CREATED;
    } else if (!hashOf(observed.get()).equals(desired.hash())) {
      change = Change.UPDATED;
    } else if (desired.satisfiedBy(written.node())) {
      change = Change.REPAIRED;
    } else {
      // The server keeps a value in another form than rendered (e.g. a normalized quantity):
      // the apply changed nothing, so nothing is reported.
      return new Applied(written, Change.UNCHANGED);
    }
    metrics.written(controller, resource.kind(), change.name().toLowerCase(java.util.Locale.ROOT));
    if (change == Change.REPAIRED) {
      metrics.driftRepaired(controller, resource.kind());
    }
    return new Applied(written, change);
  }

  private static String hashOf(KubeObject object) {
    return object
        .node()
        .path("metadata")
        .path("annotations")
        .path(DesiredObject.HASH_ANNOTATION)
        .asText("");
  }
}
