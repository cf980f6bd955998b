package dev.mirrorgate.webhook.deploy.registry;

/**
 * Where the poller hands what it found (on a poller thread; a sink that throws is logged and
 * otherwise ignored). Called only while the poller leads.
 */
public interface PollSink {

  /** A poll of a repository succeeded. */
  void listed(ListedTags tags);

  /**
   * A poll of a repository failed; it is retried after a backoff ({@code status} says when).
   * Default: nothing (the poller logs and counts it anyway).
   */
  default void failed(PollStatus status) {}
}
