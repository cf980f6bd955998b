package dev.mirrorgate.webhook.kube;

/** A write was attempted by a replica that does not hold the leader Lease: it is not sent. */
public final class NotLeaderException extends RuntimeException {
  public NotLeaderException(String what) {
    super("not the leader: " + what + " not written");
  }
}
