package dev.mirrorgate.webhook.deploy;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's look at every ImageUpdate: a Pending one is applied once enough distinct voters
 * approved it, or expires at its deadline; one a crash left without a phase is applied (it is the
 * decided update, kept as an object); a workload container keeps its newest {@value #HISTORY}
 * finished ones.
 */
public final class ImageUpdateReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(ImageUpdateReconciler.class);
  public static final int HISTORY = 10;

  /** How long a replica has to apply the update it created before the leader takes over. */
  static final Duration IN_FLIGHT = Duration.ofSeconds(30);

  private final ImageUpdateHistory history;
  private final Rollouts rollouts;
  private final ImageUpdates updates;
  private final KubeRest writes;
  private final EventSink events;
  private final Clock clock;

  public ImageUpdateReconciler(
      ImageUpdateHistory history,
      Rollouts rollouts,
      ImageUpdates updates,
      KubeRest writes,
      EventSink events,
      Clock clock) {
    this.history = history;
    this.rollouts = rollouts;
    this.updates = updates;
    this.writes = writes;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "imageupdate";
  }

  @Override
  public Result reconcile(String key) throws Exception {
    int slash = key.indexOf('/');
    Optional<KubeObject> found = history.get(key.substring(0, slash), key.substring(slash + 1));
    if (found.isEmpty()) {
      return Result.done();
    }
    KubeObject update = found.get();
    Optional<Phase> phase = Phase.of(update);
    int required = update.node().path("spec").path("approvalsRequired").asInt(0);
    Instant now = clock.instant();
    if (phase.isEmpty()) {
      if (required > 0) {
        updates.setPhase(update, Phase.Pending, "waiting for " + required + " approval(s)", null);
        return Result.done();
      }
      Instant created =
          Instant.parse(
              update.node().path("metadata").path("creationTimestamp").asText(now.toString()));
      Duration age = Duration.between(created, now);
      if (age.compareTo(IN_FLIGHT) < 0) {
        return Result.after(IN_FLIGHT.minus(age));
      }
      log.info("applying an update left unfinished", keyValue("imageUpdate", key));
      rollouts.applyApproved(update);
      return Result.done();
    }
    switch (phase.get()) {
      case Pending -> {
        Instant deadline = deadline(update).orElse(Instant.MAX);
        if (!now.isBefore(deadline)) {
          updates.setPhase(
              update,
              Phase.Expired,
              "not approved by "
                  + deadline
                  + " ("
                  + ImageUpdates.votes(update)
                  + " of "
                  + required
                  + " votes)",
              null);
          return Result.done();
        }
        if (ImageUpdates.votes(update) >= required) {
          KubeObject approved =
              updates.setPhase(
                  update,
                  Phase.Approved,
                  ImageUpdates.votes(update) + " of " + required + " votes",
                  null);
          rollouts.applyApproved(approved);
          return Result.done();
        }
        return Result.after(Duration.between(now, deadline));
      }
      case Approved -> {
        rollouts.applyApproved(update);
        return Result.done();
      }
      default -> {
        trimHistory(update);
        return Result.done();
      }
    }
  }

  /** Deletes the finished ImageUpdates of this container beyond the newest {@value #HISTORY}. */
  private void trimHistory(KubeObject update) throws Exception {
    List<KubeObject> finished = history.finishedOf(ImageUpdateHistory.containerKey(update));
    for (KubeObject old : finished.subList(Math.min(HISTORY, finished.size()), finished.size())) {
      writes.delete(ImageUpdates.RESOURCE, old.namespace(), old.name(), old.uid());
    }
  }

  private static Optional<Instant> deadline(KubeObject update) {
    String text = update.node().path("spec").path("deadline").asText("");
    return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
  }
}
