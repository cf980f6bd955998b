package dev.mirrorgate.common.update.intake;

import java.util.List;

/**
 * What one payload carries: the tagged pushes, and the events that change nothing (pulls, blobs,
 * mounts, deletes, untagged manifests), each with why.
 *
 * @param events the pushes, in the payload's order
 * @param ignored the other events, in order
 */
public record Intake(List<PushEvent> events, List<Ignored> ignored) {

  public Intake {
    events = List.copyOf(events);
    ignored = List.copyOf(ignored);
  }

  /**
   * An event that changes nothing.
   *
   * @param eventId its id, or null
   * @param reason why it changes nothing, e.g. {@code a pull}
   */
  public record Ignored(String eventId, String reason) {}
}
