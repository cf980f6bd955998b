package dev.mirrorgate.common.update;

/**
 * One container of a workload and whether push-to-deploy tracks it.
 *
 * @param container the container
 * @param tracked how it is tracked, or null
 * @param untracked why it is not tracked, or null when it is
 */
public record ContainerTracking(
    Workload.Container container, TrackedContainer tracked, String untracked) {

  public boolean isTracked() {
    return tracked != null;
  }
}
