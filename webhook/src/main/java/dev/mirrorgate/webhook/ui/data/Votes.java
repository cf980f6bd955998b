package dev.mirrorgate.webhook.ui.data;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records approvals and rejections on ImageUpdates, from any replica: the object is read fresh and
 * written back conditionally on the resourceVersion read (a merge patch of the status subresource
 * naming it), so concurrent votes never lose one another; a conflict reads again. A vote appends
 * {@code {voter, at}} to {@code status.approvals}; push-to-deploy counts the distinct voters. A
 * rejection sets the phase {@code Rejected} with a message naming the user. Only a {@code Pending}
 * update takes either (409 otherwise).
 */
public final class Votes {
  public static final ApiResource IMAGE_UPDATES =
      new ApiResource("mirrorgate.dev", "v1alpha1", "imageupdates", "ImageUpdate", true);
  static final int ATTEMPTS = 16;
  private static final Logger log = LoggerFactory.getLogger(Votes.class);

  /** What a vote did: the update as written (or found), and a sentence for the user. */
  public record Outcome(UpdateView update, boolean changed, String message) {}

  private enum Action {
    APPROVE,
    REJECT
  }

  private final KubeRest requests;
  private final Clock clock;
  private final MeterRegistry metrics;

  /**
   * @param requests a client whose writes are not gated on the leader Lease
   */
  public Votes(KubeRest requests, Clock clock, MeterRegistry metrics) {
    this.requests = requests;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** {@code voter} approves ImageUpdate {@code namespace/name}. */
  public Outcome approve(String namespace, String name, String voter) throws VoteException {
    return vote(Action.APPROVE, namespace, name, voter);
  }

  /** {@code voter} rejects ImageUpdate {@code namespace/name}. */
  public Outcome reject(String namespace, String name, String voter) throws VoteException {
    return vote(Action.REJECT, namespace, name, voter);
  }

  private Outcome vote(Action action, String namespace, String name, String voter)
      throws VoteException {
    String key = namespace + "/" + name;
    try {
      Outcome outcome = attempt(action, namespace, name, voter, key);
      count(action, outcome.changed() ? "recorded" : "unchanged");
      log.info(
          "{} {}: {}",
          action == Action.APPROVE ? "approval" : "rejection",
          key,
          outcome.message(),
          kv("imageupdate", key),
          kv("voter", voter),
          kv("action", action.name().toLowerCase(java.util.Locale.ROOT)),
          kv("changed", outcome.changed()));
      return outcome;
    } catch (VoteException e) {
      count(action, String.valueOf(e.status()));
      log.info(
          "{} of {} refused: {}",
          action == Action.APPROVE ? "approval" : "rejection",
          key,
          e.getMessage(),
          kv("imageupdate", key),
          kv("voter", voter),
          kv("status", e.status()));
      throw e;
    }
  }

  private Outcome attempt(Action action, String namespace, String name, String voter, String key)
      throws VoteException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      KubeObject current = read(namespace, name, key);
      UpdateView view = UpdateView.of(current);
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      refuseUnlessOpen(view, key, now);
      ObjectNode patch = requests.json().createObjectNode();
      patch.putObject("metadata").put("resourceVersion", current.resourceVersion());
      ObjectNode status = patch.putObject("status");
      String message;
      if (action == Action.APPROVE) {
        if (view.votedBy(voter)) {
          return new Outcome(view, false, voter + " has already approved " + key);
        }
        ArrayNode approvals = status.putArray("approvals");
        current.node().path("status").path("approvals").forEach(v -> approvals.add(v.deepCopy()));
        approvals.addObject().put("voter", voter).put("at", now.toString());
        int votes = approvals.size();
        message =
            voter
                + " approved "
                + key
                + (view.approvalsRequired() > 0
                    ? " (" + votes + " of " + view.approvalsRequired() + " votes)"
                    : "");
      } else {
        status.put("phase", "Rejected");
        status.put("message", "rejected by " + voter + " at " + now);
        message = voter + " rejected " + key;
      }
      try {
        KubeObject written = requests.mergePatchStatus(IMAGE_UPDATES, namespace, name, patch);
        return new Outcome(UpdateView.of(written), true, message);
      } catch (KubeException e) {
        if (e.conflict()) {
          backOff(attempt); // changed since it was read (another vote, push-to-deploy)
          continue;
        }
        throw failure(e, key);
      }
    }
    throw new VoteException(
        409, "ImageUpdate " + key + " kept changing while the vote was written; try again");
  }

  /** A random pause that grows with the attempt, so racing voters spread out. */
  private static void backOff(int attempt) throws VoteException {
    long bound = Math.min(250, 15L * attempt);
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VoteException(503, "interrupted while recording the vote");
    }
  }

  private KubeObject read(String namespace, String name, String key) throws VoteException {
    Optional<KubeObject> found;
    try {
      found = requests.get(IMAGE_UPDATES, namespace, name);
    } catch (KubeException e) {
      throw failure(e, key);
    }
    return found.orElseThrow(
        () -> new VoteException(404, "ImageUpdate " + key + " does not exist"));
  }

  private static void refuseUnlessOpen(UpdateView view, String key, Instant now)
      throws VoteException {
    if (!view.pending()) {
      throw new VoteException(
          409,
          "ImageUpdate "
              + key
              + " is "
              + (view.phase() == null ? "not decided yet" : view.phase())
              + ", not Pending: it takes no votes");
    }
    if (view.deadline() != null) {
      try {
        if (!now.isBefore(Instant.parse(view.deadline()))) {
          throw new VoteException(
              409, "ImageUpdate " + key + " is past its approval deadline " + view.deadline());
        }
      } catch (DateTimeParseException e) {
        // the schema makes it a date-time; an unreadable one does not block a vote
      }
    }
  }

  private static VoteException failure(KubeException e, String key) {
    if (e.notFound()) {
      return new VoteException(404, "ImageUpdate " + key + " does not exist");
    }
    if (e.status() == 422 || e.status() == 400) {
      return new VoteException(
          409, "the API server refused the vote on " + key + ": " + e.getMessage());
    }
    if (e.status() == 403) {
      return new VoteException(
          503, "the controller may not write ImageUpdate " + key + " (RBAC): " + e.getMessage());
    }
    return new VoteException(
        503, "the Kubernetes API server cannot be reached to record the vote on " + key);
  }

  private void count(Action action, String result) {
    Counter.builder("mirrorgate.ui.votes")
        .description("Votes cast in the UI and API, by action and result")
        .tag("action", action.name().toLowerCase(java.util.Locale.ROOT))
        .tag("result", result)
        .register(metrics)
        .increment();
  }
}
