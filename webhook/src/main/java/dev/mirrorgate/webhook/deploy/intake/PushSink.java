package dev.mirrorgate.webhook.deploy.intake;

import dev.mirrorgate.common.update.intake.PushEvent;
import java.util.List;

/**
 * Where the intake hands the pushes it accepted. Called on a Vert.x event loop: {@link #accept}
 * must not block (queue the events and work after the answer).
 */
public interface PushSink {

  /**
   * Whether events can be taken now (the workload index has synced). While not, the intake answers
   * 503 with {@code Retry-After}, so the sender retries and no event is dropped.
   */
  boolean ready();

  /**
   * Takes the pushes of one request, in the payload's order, each new to this replica (duplicate
   * event ids are already filtered out). Throwing refuses them: the intake answers 503 and the
   * sender retries.
   */
  void accept(List<PushEvent> events);
}
