package dev.mirrorgate.agent.write;

import java.util.List;

/** What one apply (or cleanup) changed on the node; all empty when the node was already right. */
public record ApplyReport(List<String> written, List<String> removed, List<String> backedUp) {

  public ApplyReport {
    written = List.copyOf(written);
    removed = List.copyOf(removed);
    backedUp = List.copyOf(backedUp);
  }

  public boolean changed() {
    return !written.isEmpty() || !removed.isEmpty();
  }
}
