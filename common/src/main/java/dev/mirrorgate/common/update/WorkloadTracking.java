package dev.mirrorgate.common.update;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What push-to-deploy makes of one workload: its settings, each container (containers, then init
 * containers) tracked or not, and every problem with its annotations.
 *
 * @param workload the workload
 * @param settings its settings
 * @param containers each container, in the workload's order (containers, then init containers)
 * @param problems every annotation or label that could not be read ({@code INVALID}: the workload
 *     is left alone) or means nothing useful ({@code WARNING})
 */
public record WorkloadTracking(
    Workload workload,
    UpdateSettings settings,
    List<ContainerTracking> containers,
    List<AnnotationProblem> problems) {

  public WorkloadTracking {
    containers = List.copyOf(containers);
    problems = List.copyOf(problems);
  }

  /** The tracked containers. */
  public List<TrackedContainer> tracked() {
    return containers.stream()
        .filter(ContainerTracking::isTracked)
        .map(ContainerTracking::tracked)
        .toList();
  }

  /**
   * Whether anything follows this workload: a tracked container, or an annotation problem to
   * report. A workload nothing follows is not indexed (and its informer keeps only its identity).
   */
  public boolean followed() {
    return containers.stream().anyMatch(ContainerTracking::isTracked) || !problems.isEmpty();
  }

  /**
   * Whether an annotation cannot be read: nothing of this workload is updated until it is fixed.
   */
  public boolean leftAlone() {
    return problems.stream().anyMatch(p -> p.severity() == AnnotationProblem.Severity.INVALID);
  }

  /** The problems that leave the workload alone, joined with "; ". */
  public String invalidSummary() {
    return problems.stream()
        .filter(p -> p.severity() == AnnotationProblem.Severity.INVALID)
        .map(AnnotationProblem::message)
        .collect(Collectors.joining("; "));
  }
}
