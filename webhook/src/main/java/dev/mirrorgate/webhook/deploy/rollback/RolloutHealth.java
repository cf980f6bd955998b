package dev.mirrorgate.webhook.deploy.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.update.WorkloadKind;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a workload's rollout finished, is still under way, or failed, read from its status the
 * way {@code kubectl rollout status} reads it:
 *
 * <ul>
 *   <li>Deployment: failed at once when its {@code Progressing} condition says {@code
 *       ProgressDeadlineExceeded}; complete when it says {@code NewReplicaSetAvailable} (the
 *       controller's word that the observed generation rolled out), or when the controller observed
 *       the spec, every desired replica is updated, no old replica is left and every updated one is
 *       available.
 *   <li>StatefulSet ({@code RollingUpdate}): complete when observed, every desired replica is ready
 *       and the updated replicas reach {@code replicas - partition} (without a {@code
 *       rollingUpdate} block: the update revision is the current one).
 *   <li>DaemonSet ({@code RollingUpdate}): complete when observed and every desired pod is updated
 *       and available.
 * </ul>
 *
 * A rollout not complete within {@code rollbackAfter} of the update's {@code appliedAt} failed.
 * Nothing is judged for a CronJob (an update reaches its next Job: there is no rollout), a paused
 * Deployment (it rolls out once resumed) or an {@code OnDelete} StatefulSet or DaemonSet (pods
 * change only when someone deletes them).
 */
public final class RolloutHealth {

  /** What the status says. */
  public sealed interface Verdict {}

  /** The rollout finished. */
  public record Complete(String message) implements Verdict {}

  /** Still under way; judged again in {@code recheckIn} at the latest. */
  public record Progressing(String message, Duration recheckIn) implements Verdict {}

  /**
   * The rollout failed.
   *
   * @param reason {@link #PROGRESS_DEADLINE} or {@link #TIMEOUT} (a bounded metric label)
   */
  public record Failed(String reason, String message) implements Verdict {}

  /** Nothing to judge. */
  public record Unwatched(String why) implements Verdict {}

  public static final String PROGRESS_DEADLINE = "progress-deadline";
  public static final String TIMEOUT = "timeout";

  private RolloutHealth() {}

  /**
   * @param workload the workload as the API holds it now (spec and status)
   * @param appliedAt when the update was written
   */
  public static Verdict assess(
      WorkloadKind kind,
      JsonNode workload,
      Instant appliedAt,
      Instant now,
      Duration rollbackAfter) {
    JsonNode spec = workload.path("spec");
    JsonNode status = workload.path("status");
    String waiting;
    switch (kind) {
      case CRON_JOB -> {
        return new Unwatched("a CronJob has no rollout: its next Job runs the new image");
      }
      case DEPLOYMENT -> {
        if (spec.path("paused").asBoolean(false)) {
          return new Unwatched("the Deployment is paused");
        }
        if (observed(workload)) {
          JsonNode progressing = condition(status, "Progressing");
          if ("ProgressDeadlineExceeded".equals(progressing.path("reason").asText())) {
            return new Failed(
                PROGRESS_DEADLINE,
                "ProgressDeadlineExceeded: "
                    + progressing.path("message").asText("the rollout exceeded its deadline"));
          }
          if ("NewReplicaSetAvailable".equals(progressing.path("reason").asText())
              && "True".equals(progressing.path("status").asText())) {
            // The deployment controller's word that this generation's rollout completed: a pod
            // failing since is no failed rollout.
            return new Complete("NewReplicaSetAvailable");
          }
        }
        waiting = deploymentWaiting(workload);
      }
      case STATEFUL_SET -> {
        if ("OnDelete".equals(spec.path("updateStrategy").path("type").asText())) {
          return new Unwatched("OnDelete update strategy: pods change only when deleted");
        }
        waiting = statefulSetWaiting(workload);
      }
      case DAEMON_SET -> {
        if ("OnDelete".equals(spec.path("updateStrategy").path("type").asText())) {
          return new Unwatched("OnDelete update strategy: pods change only when deleted");
        }
        waiting = daemonSetWaiting(workload);
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    if (waiting == null) {
      return new Complete("rolled out");
    }
    Duration left = Duration.between(now, appliedAt.plus(rollbackAfter));
    if (left.isNegative() || left.isZero()) {
      return new Failed(TIMEOUT, "not rolled out within " + human(rollbackAfter) + ": " + waiting);
    }
    return new Progressing(waiting, left);
  }

  /** Null when rolled out; else what it waits for. */
  private static String deploymentWaiting(JsonNode d) {
    if (!observed(d)) {
      return notObserved(d);
    }
    JsonNode status = d.path("status");
    long desired = d.path("spec").path("replicas").asLong(1);
    long updated = status.path("updatedReplicas").asLong(0);
    long replicas = status.path("replicas").asLong(0);
    long available = status.path("availableReplicas").asLong(0);
    if (updated < desired) {
      return updated + " of " + desired + " new replicas updated";
    }
    if (replicas > updated) {
      return (replicas - updated) + " old replicas pending termination";
    }
    if (available < updated) {
      return available + " of " + updated + " updated replicas available";
    }
    return null;
  }

  private static String statefulSetWaiting(JsonNode s) {
    if (!observed(s)) {
      return notObserved(s);
    }
    JsonNode status = s.path("status");
    long desired = s.path("spec").path("replicas").asLong(1);
    long ready = status.path("readyReplicas").asLong(0);
    if (ready < desired) {
      return ready + " of " + desired + " pods ready";
    }
    JsonNode rollingUpdate = s.path("spec").path("updateStrategy").path("rollingUpdate");
    long updated = status.path("updatedReplicas").asLong(0);
    if (rollingUpdate.isObject()) {
      long partition = rollingUpdate.path("partition").asLong(0);
      if (updated < desired - partition) {
        return updated + " of " + (desired - partition) + " pods updated";
      }
      return null;
    }
    String update = status.path("updateRevision").asText("");
    if (!update.equals(status.path("currentRevision").asText(""))) {
      return updated + " pods at revision " + update;
    }
    return null;
  }

  private static String daemonSetWaiting(JsonNode d) {
    if (!observed(d)) {
      return notObserved(d);
    }
    JsonNode status = d.path("status");
    long desired = status.path("desiredNumberScheduled").asLong(0);
    long updated = status.path("updatedNumberScheduled").asLong(0);
    long available = status.path("numberAvailable").asLong(0);
    if (updated < desired) {
      return updated + " of " + desired + " pods updated";
    }
    if (available < desired) {
      return available + " of " + desired + " updated pods available";
    }
    return null;
  }

  /** Whether the workload's controller has seen its latest spec. */
  private static boolean observed(JsonNode workload) {
    long generation = workload.path("metadata").path("generation").asLong(0);
    long observed = workload.path("status").path("observedGeneration").asLong(0);
    return observed > 0 && generation <= observed;
  }

  private static String notObserved(JsonNode workload) {
    return "generation "
        + workload.path("metadata").path("generation").asLong(0)
        + " not observed by its controller yet";
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return status.path("conditions").path(Integer.MAX_VALUE); // missing
  }

  /** {@code 10m}, {@code 90s}, {@code 1h30m}: as the annotation is written. */
  static String human(Duration d) {
    long seconds = d.toSeconds();
    StringBuilder out = new StringBuilder();
    if (seconds >= 3600) {
      out.append(seconds / 3600).append('h');
      seconds %= 3600;
    }
    if (seconds >= 60) {
      out.append(seconds / 60).append('m');
      seconds %= 60;
    }
    if (seconds > 0 || out.isEmpty()) {
      out.append(seconds).append('s');
    }
    return out.toString();
  }
}
