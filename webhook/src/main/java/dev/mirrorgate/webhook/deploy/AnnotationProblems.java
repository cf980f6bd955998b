package dev.mirrorgate.webhook.deploy;

import dev.mirrorgate.common.update.AnnotationProblem;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The leader's Warning Events about workload annotations push-to-deploy cannot read ({@code
 * InvalidAnnotation}: the workload is left alone until fixed) or that mean nothing ({@code
 * AnnotationWarning}): one Event per distinct set of problems of a workload.
 */
public final class AnnotationProblems implements Reconciler {
  private final WorkloadIndex index;
  private final EventSink events;
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  public AnnotationProblems(WorkloadIndex index, EventSink events) {
    this.index = index;
    this.events = events;
  }

  @Override
  public String name() {
    return "annotations";
  }

  @Override
  public Result reconcile(String key) {
    Optional<WorkloadIndex.Entry> entry = index.get(key);
    String message =
        entry
            .map(
                e ->
                    e.tracking().problems().stream()
                        .map(AnnotationProblem::message)
                        .collect(Collectors.joining("; ")))
            .orElse("");
    if (message.isEmpty()) {
      reported.remove(key);
      return Result.done();
    }
    if (!message.equals(reported.put(key, message))) {
      events.warning(
          entry.get().object(),
          entry.get().tracking().leftAlone() ? "InvalidAnnotation" : "AnnotationWarning",
          message);
    }
    return Result.done();
  }
}
