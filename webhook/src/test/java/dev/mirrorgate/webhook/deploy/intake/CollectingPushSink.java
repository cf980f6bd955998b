package dev.mirrorgate.webhook.deploy.intake;

import dev.mirrorgate.common.update.intake.PushEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink for tests: keeps every event it takes; can be made not ready or refusing. */
final class CollectingPushSink implements PushSink {
  private final List<PushEvent> events = new CopyOnWriteArrayList<>();
  private volatile boolean ready = true;
  private volatile boolean refusing;

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void accept(List<PushEvent> taken) {
    if (refusing) {
      throw new IllegalStateException("queue full");
    }
    events.addAll(taken);
  }

  List<PushEvent> events() {
    return List.copyOf(events);
  }

  /** {@code host/repository:tag@digest} of every event taken, in order. */
  List<String> images() {
    return events.stream().map(e -> e.image().normalized()).toList();
  }

  void ready(boolean ready) {
    this.ready = ready;
  }

  void refusing(boolean refusing) {
    this.refusing = refusing;
  }

  void clear() {
    events.clear();
  }
}
