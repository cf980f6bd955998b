package dev.mirrorgate.webhook.ui.data;

import dev.mirrorgate.common.update.UpdateDecision;
import java.time.Instant;
import java.util.Objects;

/**
 * One decision push-to-deploy made (or, in a simulation, would make) for one workload container.
 *
 * @param at when it was decided
 * @param namespace the workload's namespace
 * @param kind the workload's kind
 * @param name the workload's name
 * @param container the container's name
 * @param image the image it ran when the decision was made
 * @param policy where its policy comes from ({@code keel.sh/policy=minor}), null when untracked
 * @param trigger what triggered it ({@code registry}, {@code poll}, {@code resync}, …), or null
 * @param outcome what was decided
 * @param update the image it gets, or null
 * @param reason a short human sentence
 */
public record Decision(
    Instant at,
    String namespace,
    String kind,
    String name,
    String container,
    String image,
    String policy,
    String trigger,
    UpdateDecision.Outcome outcome,
    String update,
    String reason) {
  public Decision {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(outcome, "outcome");
  }
}
