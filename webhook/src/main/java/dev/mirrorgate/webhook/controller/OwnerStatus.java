package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;

/**
 * Writes a custom resource's status (server-side apply on the status subresource) only when it
 * differs from what the resource shows, so a reconcile that changes nothing writes nothing and
 * triggers no further watch event. Conditions keep their transition time while their status holds.
 */
public final class OwnerStatus {
  private final KubeRest writes;
  private final Clock clock;

  public OwnerStatus(KubeRest writes, Clock clock) {
    this.writes = writes;
    this.clock = clock;
  }

  /**
   * Sets {@code fields} (e.g. address, readyReplicas) and the {@code Ready} condition on {@code
   * owner}'s status, with {@code observedGeneration} = the owner's generation.
   *
   * @return whether a write was needed
   */
  public boolean update(
      ApiResource resource, KubeObject owner, ObjectNode fields, Conditions.Condition ready)
      throws KubeException {
    JsonNode current = owner.node().path("status");
    ObjectNode status = fields.deepCopy();
    status.put("observedGeneration", owner.generation());
    status.set(
        "conditions",
        Conditions.with(current.path("conditions"), ready, owner.generation(), clock.instant()));
    if (DesiredObject.contains(current, status)) {
      return false;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.put("apiVersion", owner.getApiVersion()).put("kind", owner.getKind());
    ObjectNode metadata = patch.putObject("metadata").put("name", owner.name());
    if (owner.namespace() != null) {
      metadata.put("namespace", owner.namespace());
    }
    patch.set("status", status);
    writes.applyStatus(resource, patch);
    return true;
  }

  /** The message of the owner's current Ready condition, empty when it has none. */
  public static String readyMessage(KubeObject owner) {
    return Conditions.find(owner.node().path("status").path("conditions"), "Ready")
        .path("message")
        .asText("");
  }
}
