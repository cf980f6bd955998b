package dev.mirrorgate.webhook.ui.data;

import dev.mirrorgate.common.image.ImageReference;
import java.util.List;

/**
 * Port: the dry run of push-to-deploy. What would be decided for every tracked container if {@code
 * pushed} arrived as one coalescing window, without applying or recording anything. Implemented by
 * push-to-deploy over the workload index ({@code WorkloadUpdates} per workload); {@link #NONE}
 * until it is wired.
 */
@FunctionalInterface
public interface Simulator {
  /**
   * @param pushed the pushed images, in push order (already parsed and valid)
   * @return one decision per tracked container whose repository is among {@code pushed} (the others
   *     have nothing to decide), with {@code at} the time of the simulation
   */
  List<Decision> simulate(List<ImageReference> pushed);

  /** No workload index: nothing to simulate against. */
  Simulator NONE = pushed -> List.of();
}
