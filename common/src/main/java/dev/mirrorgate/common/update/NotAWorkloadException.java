package dev.mirrorgate.common.update;

/** A document that is not a Deployment, StatefulSet, DaemonSet or CronJob with a pod template. */
public final class NotAWorkloadException extends Exception {
  private static final long serialVersionUID = 1L;

  public NotAWorkloadException(String reason) {
    super(reason, null, false, false);
  }
}
