package dev.mirrorgate.webhook.ui.data;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Something the UI shows changed: informers (ImageUpdates, mirrors, registries) and push-to-deploy
 * (a new decision) call {@link #changed()}; open pages are told through server-sent events.
 */
public final class ChangeFeed {
  private final AtomicLong version = new AtomicLong();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  /** Counts a change and tells the listeners the new version. Cheap; never blocks. */
  public void changed() {
    long now = version.incrementAndGet();
    listeners.forEach(l -> l.accept(now));
  }

  public long version() {
    return version.get();
  }

  /** {@code listener} gets every new version (on the caller's thread). */
  public void listen(LongConsumer listener) {
    listeners.add(listener);
  }
}
