package dev.mirrorgate.webhook.ui.data;

import java.util.List;

/**
 * Port: the recent decisions of push-to-deploy (a bounded in-memory log kept by whoever decides).
 * Implemented by push-to-deploy; {@link #NONE} until it is wired.
 */
public interface DecisionLog {
  /** The recent decisions, newest first; a snapshot the caller may keep. Must not block. */
  List<Decision> recent();

  /** No log: no decisions. */
  DecisionLog NONE = List::of;
}
