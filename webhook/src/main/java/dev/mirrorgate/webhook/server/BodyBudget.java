package dev.mirrorgate.webhook.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Request body bytes held at once, across every connection and event loop. Bytes are taken as they
 * arrive (a client that announces 7 MiB and sends nothing holds nothing) and given back as soon as
 * the body is decoded or the request dies.
 */
public final class BodyBudget {
  private final long capacity;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public BodyBudget(long capacity) {
    this.capacity = capacity;
  }

  /**
   * Takes {@code bytes}, or returns false (and takes nothing) when that would exceed the budget.
   */
  boolean take(long bytes) {
    long now = held.addAndGet(bytes);
    if (now > capacity) {
      held.addAndGet(-bytes);
      refused.incrementAndGet();
      return false;
    }
    return true;
  }

  void giveBack(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Bytes held now. */
  public long held() {
    return held.get();
  }

  public long capacity() {
    return capacity;
  }

  /** Requests refused because the budget was spent. */
  public long refused() {
    return refused.get();
  }
}
