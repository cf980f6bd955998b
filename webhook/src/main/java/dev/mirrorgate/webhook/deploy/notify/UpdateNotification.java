package dev.mirrorgate.webhook.deploy.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.time.Instant;
import java.util.Optional;

/**
 * One update decision worth telling people about: an ImageUpdate that reached a phase someone acts
 * on.
 *
 * @param type what happened: {@code pending-approval}, {@code applied}, {@code failed}, {@code
 *     rolled-back}, {@code expired} or {@code rejected}
 * @param time when the controller saw it
 * @param policy the annotation or label that decided, or null
 */
public record UpdateNotification(
    String type,
    Instant time,
    String namespace,
    String workloadKind,
    String workloadName,
    String container,
    String from,
    String to,
    String policy,
    String trigger,
    String phase,
    String message,
    String imageUpdate) {

  /** The notification type of a phase, or empty for phases nobody acts on. */
  public static Optional<String> type(Phase phase) {
    return Optional.ofNullable(
        switch (phase) {
          case Pending -> "pending-approval";
          case Applied -> "applied";
          case Failed -> "failed";
          case RolledBack -> "rolled-back";
          case Expired -> "expired";
          case Rejected -> "rejected";
          case Approved, Superseded -> null;
        });
  }

  /**
   * The notification for an ImageUpdate that changed from {@code before} (null: just seen) to its
   * current phase; empty when the phase did not change or is not one to tell.
   */
  public static Optional<UpdateNotification> of(KubeObject before, KubeObject after, Instant now) {
    Optional<Phase> phase = Phase.of(after);
    if (phase.isEmpty()
        || (before != null && phase.equals(Phase.of(before)))
        || type(phase.get()).isEmpty()) {
      return Optional.empty();
    }
    JsonNode spec = after.node().path("spec");
    return Optional.of(
        new UpdateNotification(
            type(phase.get()).get(),
            now,
            after.namespace(),
            spec.path("workload").path("kind").asText(),
            spec.path("workload").path("name").asText(),
            spec.path("container").asText(),
            spec.path("from").asText(),
            spec.path("to").asText(),
            spec.path("policy").asText(null),
            spec.path("trigger").asText(),
            phase.get().name(),
            after.node().path("status").path("message").asText(""),
            after.name()));
  }
}
