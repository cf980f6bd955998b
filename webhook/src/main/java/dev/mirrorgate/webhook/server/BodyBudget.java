package dev.mirrorgate.webhook.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request body bytes in flight at once, across every connection and event loop. Bytes are taken as
 * they arrive (a client that announces 7 MiB and sends nothing holds nothing) and given back as
 * soon as the body is decoded or the request dies.
 *
 * <p>Also the slots for bodies decoded while they arrive ({@link BodyStream}): such a body holds a
 * few hundred KiB however large it is, but its decoder holds what it builds (at most {@link
 * dev.mirrorgate.webhook.admission.AdmissionCodec#MAX_PROJECTED_CHARS} characters) for as long as
 * the body takes to arrive, so only {@link #STREAMS} run at once; a body of several chunks that
 * finds none free is gathered and decoded on its event loop, as every body was before.
 */
public final class BodyBudget {
  /** Bodies decoded while they arrive, at most, at once. */
  static final int STREAMS = 2;

  private final Semaphore streams = new Semaphore(STREAMS);
  private final long capacity;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong streamed = new AtomicLong();
  private final AtomicLong gathered = new AtomicLong();

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

  /**
   * Takes a slot for a body decoded while it arrives, or returns false when none is free (the body
   * is then gathered); counts either.
   */
  boolean startStream() {
    if (streams.tryAcquire()) {
      streamed.incrementAndGet();
      return true;
    }
    gathered.incrementAndGet();
    return false;
  }

  /** Gives the slot back once that body's decoder is done. */
  void endStream() {
    streams.release();
  }

  /** Bytes held now. */
  public long held() {
    return held.get();
  }

  public long capacity() {
    return capacity;
  }

  /** Bodies of several chunks decoded while they arrived, so far. */
  public long streamed() {
    return streamed.get();
  }

  /** Bodies of several chunks gathered instead, no stream slot being free, so far. */
  public long gathered() {
    return gathered.get();
  }

  /** Requests refused because the budget was spent. */
  public long refused() {
    return refused.get();
  }
}
