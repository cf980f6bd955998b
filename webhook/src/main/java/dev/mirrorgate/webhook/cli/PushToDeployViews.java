package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecider;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.webhook.deploy.DecisionLog;
import dev.mirrorgate.webhook.deploy.WorkloadIndex;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.Simulator;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import dev.mirrorgate.webhook.ui.data.TrackedWorkloads;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the web UI shows of push-to-deploy, read from its workload index and decision log: the
 * tracked containers, the latest decisions, and dry runs of pushes (the engine decides, nothing is
 * written). Part of the composition root, between the two.
 */
final class PushToDeployViews
    implements TrackedWorkloads, dev.mirrorgate.webhook.ui.data.DecisionLog, Simulator {
  private final WorkloadIndex index;
  private final DecisionLog decisions;
  private final Clock clock;

  PushToDeployViews(WorkloadIndex index, DecisionLog decisions, Clock clock) {
    this.index = index;
    this.decisions = decisions;
    this.clock = clock;
  }

  @Override
  public List<TrackedWorkload> all() {
    List<TrackedWorkload> rows = new ArrayList<>();
    for (WorkloadIndex.Entry entry : index.all()) {
      for (TrackedContainer container : entry.tracking().tracked()) {
        rows.add(
            new TrackedWorkload(
                entry.object().namespace(),
                entry.resource().kind(),
                entry.object().name(),
                container.name(),
                container.image(),
                container.policySource(),
                entry.tracking().settings().trigger().kind()));
      }
    }
    return rows;
  }

  @Override
  public boolean ready() {
    return index.synced();
  }

  @Override
  public List<Decision> recent() {
    return decisions.newest(1000).stream()
        .map(
            d -> decision(d.at(), d.namespace(), d.kind(), d.workload(), d.trigger(), d.decision()))
        .toList();
  }

  @Override
  public List<Decision> simulate(List<ImageReference> pushed) {
    Map<String, List<ImageReference>> byRepository = new LinkedHashMap<>();
    for (ImageReference image : pushed) {
      byRepository
          .computeIfAbsent(image.name().toLowerCase(Locale.ROOT), r -> new ArrayList<>())
          .add(image);
    }
    List<Decision> simulated = new ArrayList<>();
    byRepository.forEach(
        (repository, images) -> {
          for (WorkloadIndex.Entry entry : index.following(repository)) {
            for (TrackedContainer container : entry.tracking().tracked()) {
              if (container.repository().equalsIgnoreCase(repository)) {
                UpdateDecision decision =
                    UpdateDecider.decide(
                        container, entry.tracking().settings(), Window.pushed(images));
                simulated.add(
                    decision(
                        clock.instant(),
                        entry.object().namespace(),
                        entry.resource().kind(),
                        entry.object().name(),
                        "simulate",
                        decision));
              }
            }
          }
        });
    return simulated;
  }

  private static Decision decision(
      java.time.Instant at,
      String namespace,
      String kind,
      String name,
      String trigger,
      UpdateDecision decision) {
    return new Decision(
        at,
        namespace,
        kind,
        name,
        decision.container(),
        decision.image(),
        decision.policy(),
        trigger,
        decision.outcome(),
        decision.update(),
        decision.reason());
  }
}
