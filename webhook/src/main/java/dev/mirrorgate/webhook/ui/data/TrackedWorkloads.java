package dev.mirrorgate.webhook.ui.data;

import java.util.List;

/**
 * Port: the containers push-to-deploy tracks (the workload index). Implemented by push-to-deploy;
 * {@link #NONE} until it is wired.
 */
public interface TrackedWorkloads {
  /** Every tracked container, in any order; a snapshot the caller may keep. Must not block. */
  List<TrackedWorkload> all();

  /** Whether the index has listed the cluster once (before that, the list is incomplete). */
  default boolean ready() {
    return true;
  }

  /** No index: nothing is tracked. */
  TrackedWorkloads NONE = List::of;
}
