package dev.mirrorgate.webhook.controller;

/**
 * controller-runtime's contract: one key in, level-triggered and idempotent. Reads desired state
 * from the CR and observed state from informer caches, writes the difference, and never remembers
 * what it did last time. An exception requeues the key with backoff.
 */
public interface Reconciler {
  /** The controller's name, for logs and metric labels (a small fixed set). */
  String name();

  Result reconcile(String key) throws Exception;
}
