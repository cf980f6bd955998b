package dev.mirrorgate.common.update;

import java.util.ArrayList;
import java.util.List;

/**
 * The decisions for every container of a workload (containers, then init containers): what {@code
 * explain-update} prints and what a simulation answers. Pushes count for every tracked container; a
 * poll-triggered container also looks at the tags the registry lists when the pushes gave it no
 * update.
 */
public final class WorkloadUpdates {
  private WorkloadUpdates() {}

  public static List<UpdateDecision> decide(
      WorkloadTracking tracking, Window pushed, Window listed) {
    List<UpdateDecision> out = new ArrayList<>();
    for (ContainerTracking c : tracking.containers()) {
      out.add(decide(tracking, c, pushed, listed));
    }
    return out;
  }

  private static UpdateDecision decide(
      WorkloadTracking tracking, ContainerTracking c, Window pushed, Window listed) {
    Workload.Container container = c.container();
    if (!c.isTracked()) {
      return new UpdateDecision(
          container.name(),
          container.image(),
          null,
          null,
          UpdateDecision.Outcome.UNTRACKED,
          null,
          null,
          false,
          c.untracked());
    }
    TrackedContainer tracked = c.tracked();
    UpdateSettings settings = tracking.settings();
    if (tracking.leftAlone()) {
      return new UpdateDecision(
          tracked.name(),
          tracked.image(),
          tracked.policySource(),
          settings.trigger().kind(),
          UpdateDecision.Outcome.LEFT_ALONE,
          null,
          null,
          false,
          "left alone until fixed: " + tracking.invalidSummary());
    }
    UpdateDecision fromPushes = UpdateDecider.decide(tracked, settings, pushed);
    if (fromPushes.isUpdate()
        || !settings.trigger().poll()
        || listed.isEmpty()
        || fromPushes.outcome() == UpdateDecision.Outcome.INERT) {
      return fromPushes;
    }
    UpdateDecision fromPoll = UpdateDecider.decide(tracked, settings, listed);
    if (!pushed.isEmpty() && fromPushes.outcome() != UpdateDecision.Outcome.NO_CANDIDATE) {
      return new UpdateDecision(
          fromPoll.container(),
          fromPoll.image(),
          fromPoll.policy(),
          fromPoll.trigger(),
          fromPoll.outcome(),
          fromPoll.update(),
          fromPoll.chosen(),
          fromPoll.bumpUpdatedAt(),
          "pushed: " + fromPushes.reason() + "; polled: " + fromPoll.reason());
    }
    return fromPoll;
  }
}
