package dev.mirrorgate.webhook.deploy;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.UpdateSettings;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.Workload;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.common.update.WorkloadTracker;
import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.deploy.WorkloadIndex.Entry;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From a window of pushed (or listed) images to rolled-out workloads: every tracked container
 * following the repository is decided by the engine; each update is first an ImageUpdate object,
 * then one strategic merge patch of the workload, conditional on the resourceVersion the decision
 * was made from. A conflict (the workload changed meanwhile) is decided again from its new version.
 * Updates that need approvals stay Pending ImageUpdates; a newer one supersedes them.
 */
public final class Rollouts {
  private static final Logger log = LoggerFactory.getLogger(Rollouts.class);
  static final int ATTEMPTS = 5;
  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private final WorkloadIndex index;
  private final KubeRest api;
  private final ImageUpdates updates;
  private final Function<String, List<KubeObject>> pendingOf;
  private final EventSink events;
  private final DecisionLog decisions;
  private final ControllerMetrics metrics;
  private final Clock clock;

  /** One container's update, decided from one version of the workload. */
  private record Planned(TrackedContainer container, UpdateDecision decision) {}

  /**
   * @param api a client whose writes are not leader-gated: every replica applies the pushes it
   *     receives, made safe by the conditional patch and the ImageUpdate's derived name
   * @param pendingOf the Pending ImageUpdates of a workload container ({@code namespace/kind/
   *     workload/container}), from an informer
   */
  public Rollouts(
      WorkloadIndex index,
      KubeRest api,
      ImageUpdates updates,
      Function<String, List<KubeObject>> pendingOf,
      EventSink events,
      DecisionLog decisions,
      ControllerMetrics metrics,
      Clock clock) {
    this.index = index;
    this.api = api;
    this.updates = updates;
    this.pendingOf = pendingOf;
    this.events = events;
    this.decisions = decisions;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The key of one workload container's history. */
  public static String containerKey(String namespace, String kind, String workload, String name) {
    return namespace + "/" + kind + "/" + workload + "/" + name;
  }

  /**
   * Decides and applies {@code window} (images of {@code repository}, normalized) for every
   * workload following it. One workload's failure never stops another's.
   *
   * @param startedNanos when the first image of the window was received ({@link System#nanoTime})
   */
  public void decide(
      String repository,
      Window window,
      String trigger,
      long startedNanos,
      java.util.concurrent.Executor workers) {
    decide(repository, window, entry -> trigger, startedNanos, workers);
  }

  /**
   * Decides and applies the tags a poll listed: {@code poll} is the trigger of poll-triggered
   * workloads, {@code resync} of the others (the re-check that catches a push lost in a crash).
   */
  public void decideListed(
      String repository, Window window, long startedNanos, java.util.concurrent.Executor workers) {
    decide(
        repository,
        window,
        entry -> entry.tracking().settings().trigger().poll() ? "poll" : "resync",
        startedNanos,
        workers);
  }

  private void decide(
      String repository,
      Window window,
      Function<Entry, String> triggerOf,
      long startedNanos,
      java.util.concurrent.Executor workers) {
    List<java.util.concurrent.CompletableFuture<Void>> all = new ArrayList<>();
    for (Entry entry : index.following(repository)) {
      all.add(
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  decideFor(entry, repository, window, triggerOf.apply(entry), startedNanos);
                } catch (KubeException | RuntimeException e) {
                  log.warn(
                      "rollout failed",
                      keyValue("workload", entry.key()),
                      keyValue("repository", repository),
                      keyValue("error", e.getMessage()));
                }
              },
              workers));
    }
    java.util.concurrent.CompletableFuture.allOf(
            all.toArray(java.util.concurrent.CompletableFuture[]::new))
        .join();
  }

  private void decideFor(
      Entry entry, String repository, Window window, String trigger, long startedNanos)
      throws KubeException {
    List<KubeObject> previous = new ArrayList<>();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<Planned> planned = plan(entry, repository, window, trigger);
      if (planned.isEmpty()) {
        settle(previous, entry, "decided again after the workload changed: nothing to apply");
        return;
      }
      UpdateSettings settings = entry.tracking().settings();
      if (settings.approvals() > 0) {
        for (Planned p : planned) {
          hold(entry, p, trigger, settings);
        }
        return;
      }
      List<KubeObject> created = new ArrayList<>();
      for (Planned p : planned) {
        // No phase while applying: the leader's ImageUpdateReconciler applies a phase-less update
        // only once it is older than IN_FLIGHT (a crash left it), never beside this replica.
        created.add(updates.create(spec(entry, p, trigger, 0, null), null, null, clock.instant()));
      }
      previous.removeIf(old -> created.stream().anyMatch(c -> c.name().equals(old.name())));
      settle(previous, entry, "decided again after the workload changed");
      try {
        patch(entry, planned, trigger);
      } catch (KubeException e) {
        if (e.conflict() && attempt < ATTEMPTS) {
          log.info(
              "the workload changed since the decision: deciding again",
              keyValue("workload", entry.key()),
              keyValue("attempt", attempt));
          Optional<Entry> fresh = refetch(entry);
          if (fresh.isEmpty()) {
            supersede(created, "the workload is gone");
            return;
          }
          entry = fresh.get();
          previous = created;
          continue;
        }
        for (KubeObject update : created) {
          updates.setPhase(
              update, Phase.Failed, "the workload was not patched: " + e.getMessage(), null);
        }
        events.warning(entry.object(), "UpdateFailed", "not patched: " + e.getMessage());
        return;
      }
      Instant applied = clock.instant();
      for (int i = 0; i < created.size(); i++) {
        Planned p = planned.get(i);
        updates.setPhase(created.get(i), Phase.Applied, p.decision().reason(), applied);
        events.normal(
            entry.object(),
            "ImageUpdated",
            p.container().name()
                + ": "
                + p.decision().image()
                + " → "
                + p.decision().update()
                + " ("
                + p.decision().policy()
                + ", "
                + trigger
                + ")");
      }
      metrics.applied(System.nanoTime() - startedNanos);
      return;
    }
  }

  /** The updates the engine decides for {@code entry}'s containers following {@code repository}. */
  private List<Planned> plan(Entry entry, String repository, Window window, String trigger) {
    List<Planned> planned = new ArrayList<>();
    if (entry.tracking().leftAlone()) {
      return planned; // its annotation problems are reported by the index's Warning Events
    }
    for (TrackedContainer container : entry.tracking().tracked()) {
      if (!container.repository().equalsIgnoreCase(repository)) {
        continue;
      }
      UpdateDecision decision =
          Quarantine.decide(
              container,
              entry.tracking().settings(),
              window,
              Quarantine.of(entry.object(), container.name()));
      decisions.record(
          new DecisionLog.Decided(
              clock.instant(),
              entry.object().namespace(),
              entry.resource().kind(),
              entry.object().name(),
              trigger,
              decision));
      metrics.decided(decision.outcome().name().toLowerCase(java.util.Locale.ROOT));
      log.info(
          "decision",
          keyValue("namespace", entry.object().namespace()),
          keyValue("workload", entry.resource().kind() + "/" + entry.object().name()),
          keyValue("container", container.name()),
          keyValue("image", decision.image()),
          keyValue("policy", decision.policy()),
          keyValue("trigger", trigger),
          keyValue("outcome", decision.outcome()),
          keyValue("update", decision.update()),
          keyValue("reason", decision.reason()));
      if (decision.isUpdate()) {
        planned.add(new Planned(container, decision));
      }
    }
    return planned;
  }

  /** An update that waits for approvals: a Pending ImageUpdate; older Pending ones superseded. */
  private void hold(Entry entry, Planned p, String trigger, UpdateSettings settings)
      throws KubeException {
    Instant deadline = clock.instant().plus(settings.approvalDeadline());
    ImageUpdates.Spec spec = spec(entry, p, trigger, settings.approvals(), deadline);
    String name = ImageUpdates.name(spec);
    List<KubeObject> older =
        pendingOf
            .apply(
                containerKey(
                    entry.object().namespace(),
                    entry.resource().kind(),
                    entry.object().name(),
                    p.container().name()))
            .stream()
            .filter(u -> !u.name().equals(name))
            .toList();
    KubeObject pending =
        updates.create(
            spec,
            Phase.Pending,
            "waiting for " + settings.approvals() + " approval(s) until " + deadline,
            clock.instant());
    supersede(older, "superseded by " + pending.name() + " (" + p.decision().update() + ")");
    events.normal(
        entry.object(),
        "UpdatePending",
        p.container().name()
            + ": "
            + p.decision().update()
            + " waits for "
            + settings.approvals()
            + " approval(s) until "
            + deadline.truncatedTo(ChronoUnit.SECONDS)
            + " (ImageUpdate "
            + pending.name()
            + ")");
  }

  /**
   * Finishes the updates of an earlier attempt, seen from the workload as it is now: one whose
   * {@code to} the container already runs was applied (by another replica or a concurrent push of
   * the same image), so it is Applied; the others are Superseded.
   */
  private void settle(List<KubeObject> older, Entry now, String message) throws KubeException {
    List<KubeObject> superseded = new ArrayList<>();
    for (KubeObject update : older) {
      String container = update.node().path("spec").path("container").asText();
      String to = update.node().path("spec").path("to").asText();
      boolean runs =
          now.tracking().tracked().stream()
              .anyMatch(c -> c.name().equals(container) && c.image().equals(to));
      if (runs) {
        updates.setPhase(update, Phase.Applied, "the container runs " + to, clock.instant());
      } else {
        superseded.add(update);
      }
    }
    supersede(superseded, message);
  }

  private void supersede(List<KubeObject> older, String message) throws KubeException {
    for (KubeObject update : older) {
      if (Phase.of(update).map(phase -> !phase.finished()).orElse(true)) {
        updates.setPhase(update, Phase.Superseded, message, null);
      }
    }
  }

  /**
   * Applies an approved ImageUpdate: patches the container to {@code spec.to} if it still runs
   * {@code spec.from} (conditional on the workload's version), else supersedes it.
   */
  public void applyApproved(KubeObject update) throws KubeException {
    String kind = update.node().path("spec").path("workload").path("kind").asText();
    String name = update.node().path("spec").path("workload").path("name").asText();
    String container = update.node().path("spec").path("container").asText();
    String from = update.node().path("spec").path("from").asText();
    String to = update.node().path("spec").path("to").asText();
    Optional<Entry> entry =
        index.get(WorkloadIndex.key(kind, update.namespace(), name)).flatMap(this::refetch);
    if (entry.isEmpty()) {
      updates.setPhase(update, Phase.Superseded, "the workload is gone", null);
      return;
    }
    Optional<TrackedContainer> tracked =
        entry.get().tracking().tracked().stream()
            .filter(c -> c.name().equals(container))
            .findFirst();
    if (tracked.isPresent() && tracked.get().image().equals(to)) {
      // Applied already (a reconcile seeing its own Approved write late, or a crash after the
      // patch): what runs is the update, so it is Applied, not Superseded.
      String at = update.node().path("status").path("appliedAt").asText("");
      updates.setPhase(
          update,
          Phase.Applied,
          "the container runs " + to,
          at.isEmpty() ? clock.instant() : Instant.parse(at));
      return;
    }
    if (tracked.isEmpty() || !tracked.get().image().equals(from)) {
      updates.setPhase(
          update,
          Phase.Superseded,
          "the container no longer runs "
              + from
              + tracked.map(t -> " (it runs " + t.image() + ")").orElse(""),
          null);
      return;
    }
    UpdateDecision approved =
        new UpdateDecision(
            container,
            from,
            update.node().path("spec").path("policy").asText(null),
            update.node().path("spec").path("trigger").asText(),
            UpdateDecision.Outcome.UPDATE,
            to,
            null,
            !entry.get().tracking().settings().pinDigest(),
            "approved by " + ImageUpdates.votes(update) + " voter(s)");
    String trigger = update.node().path("spec").path("trigger").asText();
    patch(entry.get(), List.of(new Planned(tracked.get(), approved)), trigger);
    updates.setPhase(update, Phase.Applied, approved.reason(), clock.instant());
    events.normal(
        entry.get().object(),
        "ImageUpdated",
        container + ": " + from + " → " + to + " (approved, ImageUpdate " + update.name() + ")");
  }

  /** One strategic merge patch with every planned image, conditional on the decided version. */
  private void patch(Entry entry, List<Planned> planned, String trigger) throws KubeException {
    WorkloadKind kind = WorkloadKind.of(entry.resource().kind()).orElseThrow();
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = patch.putObject("metadata");
    metadata.put("resourceVersion", entry.object().resourceVersion());
    StringBuilder cause = new StringBuilder("mirrorgate: ");
    ObjectNode podTemplate = at(patch, kind.podTemplatePointer());
    ObjectNode podSpec = podTemplate.putObject("spec");
    boolean bump = false;
    for (Planned p : planned) {
      String list = p.container().init() ? "initContainers" : "containers";
      ObjectNode container = podSpec.withArray(list).addObject();
      container.put("name", p.container().name());
      container.put("image", p.decision().update());
      bump |= p.decision().bumpUpdatedAt();
      if (cause.length() > "mirrorgate: ".length()) {
        cause.append("; ");
      }
      cause.append(p.container().name()).append(" → ").append(p.decision().update());
    }
    cause.append(" (").append(trigger).append(")");
    metadata.putObject("annotations").put(CHANGE_CAUSE, cause.toString());
    if (bump) {
      podTemplate
          .putObject("metadata")
          .putObject("annotations")
          .put(
              "mirrorgate.dev/updated-at",
              clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    api.strategicMergePatch(
        entry.resource(), entry.object().namespace(), entry.object().name(), patch);
  }

  private static ObjectNode at(ObjectNode root, String pointer) {
    ObjectNode at = root;
    for (String part : pointer.substring(1).split("/")) {
      at = at.with(part);
    }
    return at;
  }

  /** The workload as the API holds it now, tracked again; empty when it is gone. */
  private Optional<Entry> refetch(Entry entry) {
    try {
      Optional<KubeObject> fresh =
          api.get(entry.resource(), entry.object().namespace(), entry.object().name());
      if (fresh.isEmpty()) {
        return Optional.empty();
      }
      KubeObject projected =
          new KubeObject(new WorkloadProjection(entry.resource()).apply(fresh.get().copy()));
      return Optional.of(
          new Entry(
              entry.resource(), projected, WorkloadTracker.track(Workload.of(projected.node()))));
    } catch (KubeException | dev.mirrorgate.common.update.NotAWorkloadException e) {
      log.warn("cannot read {} again: {}", entry.key(), e.getMessage());
      return Optional.empty();
    }
  }

  private ImageUpdates.Spec spec(
      Entry entry, Planned p, String trigger, int approvals, Instant deadline) {
    return new ImageUpdates.Spec(
        entry.object().namespace(),
        entry.resource().kind(),
        entry.object().name(),
        p.container().name(),
        p.decision().image(),
        p.decision().update(),
        p.decision().policy(),
        trigger,
        approvals,
        deadline);
  }
}
