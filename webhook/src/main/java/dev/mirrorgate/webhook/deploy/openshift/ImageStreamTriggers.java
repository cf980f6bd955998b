package dev.mirrorgate.webhook.deploy.openshift;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.update.ImageStreamTagPolicy;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.UpdateDecision.Outcome;
import dev.mirrorgate.common.update.UpdateSettings;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.deploy.DecisionLog;
import dev.mirrorgate.webhook.deploy.ImageUpdateHistory;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.deploy.Quarantine;
import dev.mirrorgate.webhook.deploy.Rollouts;
import dev.mirrorgate.webhook.deploy.WorkloadIndex;
import dev.mirrorgate.webhook.deploy.WorkloadIndex.Entry;
import dev.mirrorgate.webhook.deploy.WorkloadPatch;
import dev.mirrorgate.webhook.deploy.WorkloadPatch.ContainerImage;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenShift {@code ImageStreamTag} triggers where the cluster serves {@code image.openshift.io/v1}:
 * the leader keeps every container whose {@code image.openshift.io/triggers} entry names {@code
 * from.kind: ImageStreamTag} on the image its tag points at ({@link ImageStreams#resolve}). One key
 * per workload; an ImageStream's change queues the workloads naming it, a workload's change queues
 * itself. An update goes the way pushed ones go: an ImageUpdate first (Pending while {@code
 * keel.sh/approvals} are due), then one strategic merge patch conditional on the resourceVersion
 * decided from (a conflict decides again), Applied, an Event. A quarantined digest is never written
 * ({@link Quarantine}); a paused trigger is never followed (the engine's policy is {@code never}).
 */
public final class ImageStreamTriggers implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(ImageStreamTriggers.class);

  /** What decisions and logs name this trigger. */
  public static final String TRIGGER = "imagestream";

  /** The {@code spec.trigger} of the ImageUpdates it writes. */
  public static final String IMAGE_UPDATE_TRIGGER = TRIGGER;

  private final WorkloadIndex index;
  private final Informer streams;
  private final ImageUpdates updates;
  private final ImageUpdateHistory history;
  private final KubeRest writes;
  private final EventSink events;
  private final DecisionLog decisions;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final Map<String, String> told = new ConcurrentHashMap<>();

  /** One container's update. */
  private record Planned(TrackedContainer container, UpdateDecision decision, String from) {}

  /**
   * @param writes a leader-gated client (the loop runs on the leader only)
   */
  public ImageStreamTriggers(
      WorkloadIndex index,
      Informer streams,
      ImageUpdates updates,
      ImageUpdateHistory history,
      KubeRest writes,
      EventSink events,
      DecisionLog decisions,
      ControllerMetrics metrics,
      Clock clock) {
    this.index = index;
    this.streams = streams;
    this.updates = updates;
    this.history = history;
    this.writes = writes;
    this.events = events;
    this.decisions = decisions;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "imagestream-triggers";
  }

  /** The ImageStreamTag triggers of a workload's tracked containers. */
  public static List<TrackedContainer> triggered(Entry entry) {
    return entry.tracking().tracked().stream()
        .filter(c -> c.policy() instanceof ImageStreamTagPolicy)
        .toList();
  }

  /** The workloads with a trigger naming {@code stream} (an ImageStream). */
  public List<String> following(KubeObject stream) {
    List<String> keys = new ArrayList<>();
    for (Entry entry : index.all()) {
      for (TrackedContainer c : triggered(entry)) {
        ImageStreams.TagReference ref = reference(entry, c);
        if (ref.namespace().equals(stream.namespace()) && ref.stream().equals(stream.name())) {
          keys.add(entry.key());
          break;
        }
      }
    }
    return keys;
  }

  /**
   * Every workload with an ImageStreamTag trigger (after an election, every resync); what was last
   * told about workloads gone since is forgotten.
   */
  public List<String> all() {
    List<String> keys =
        index.all().stream().filter(e -> !triggered(e).isEmpty()).map(Entry::key).toList();
    java.util.Set<String> live = new java.util.HashSet<>(keys);
    told.keySet().removeIf(k -> !live.contains(k.substring(0, k.lastIndexOf('/'))));
    return keys;
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Optional<Entry> found = index.get(key);
    if (found.isEmpty()) {
      told.keySet().removeIf(k -> k.startsWith(key + "/"));
      return Result.done();
    }
    Entry entry = found.get();
    if (entry.tracking().leftAlone()) {
      return Result.done(); // its annotation problems are reported by AnnotationProblems
    }
    List<Planned> planned = new ArrayList<>();
    for (TrackedContainer container : triggered(entry)) {
      ImageStreams.TagReference ref = reference(entry, container);
      UpdateDecision decision = decide(entry, container, ref);
      record(entry, container, ref, decision);
      if (decision.isUpdate()) {
        planned.add(new Planned(container, decision, container.image()));
      }
    }
    if (planned.isEmpty()) {
      return Result.done();
    }
    UpdateSettings settings = entry.tracking().settings();
    if (settings.approvals() > 0) {
      for (Planned p : planned) {
        hold(entry, p, settings);
      }
      return Result.done();
    }
    apply(entry, planned);
    return Result.done();
  }

  private UpdateDecision decide(
      Entry entry, TrackedContainer container, ImageStreams.TagReference ref) {
    String policy = container.policySource();
    ImageStreams.Resolution resolution =
        ImageStreams.resolve(
            streams.get(ref.namespace(), ref.stream()).map(KubeObject::node).orElse(null), ref);
    return switch (resolution) {
      case ImageStreams.Unresolved unresolved ->
          decision(container, policy, Outcome.NO_CANDIDATE, null, unresolved.why());
      case ImageStreams.Resolved resolved -> {
        String image = resolved.image();
        if (image.equals(container.image())) {
          yield decision(
              container, policy, Outcome.CURRENT, null, "runs ImageStreamTag " + ref + " already");
        }
        Optional<String> digest = Quarantine.digestOf(image);
        if (digest.isPresent()
            && Quarantine.of(entry.object(), container.name()).contains(digest.get())) {
          yield decision(
              container,
              policy,
              Outcome.REFUSED,
              null,
              "ImageStreamTag "
                  + ref
                  + " points at "
                  + Quarantine.shortDigest(digest.get())
                  + ", quarantined after a rollback");
        }
        Optional<KubeObject> refused = refusedBefore(entry, container, image);
        if (refused.isPresent()) {
          yield decision(
              container,
              policy,
              Outcome.REFUSED,
              null,
              "ImageStreamTag "
                  + ref
                  + " points at an image "
                  + Phase.of(refused.get()).orElseThrow().name().toLowerCase(java.util.Locale.ROOT)
                  + " before (ImageUpdate "
                  + refused.get().name()
                  + ")");
        }
        yield decision(
            container, policy, Outcome.UPDATE, image, "ImageStreamTag " + ref + " points at it");
      }
    };
  }

  /** A Rejected or Expired ImageUpdate of the same image: not opened again by the same tag. */
  private Optional<KubeObject> refusedBefore(Entry entry, TrackedContainer c, String image) {
    String name = ImageUpdates.name(spec(entry, c, c.image(), image, 0, null));
    return history
        .get(entry.object().namespace(), name)
        .filter(u -> Phase.of(u).map(p -> p == Phase.Rejected || p == Phase.Expired).orElse(false));
  }

  private static UpdateDecision decision(
      TrackedContainer c, String policy, Outcome outcome, String update, String reason) {
    return new UpdateDecision(
        c.name(), c.image(), policy, TRIGGER, outcome, update, null, false, reason);
  }

  /**
   * Records a decision (decision log, metric, one log line) when it differs from the last one for
   * the container: a workload's every status change queues it, and nothing new is worth a line.
   */
  private void record(
      Entry entry, TrackedContainer c, ImageStreams.TagReference ref, UpdateDecision decision) {
    String said = decision.outcome() + " " + decision.update() + " " + decision.reason();
    if (said.equals(told.put(entry.key() + "/" + c.name(), said)) && !decision.isUpdate()) {
      return;
    }
    decisions.record(
        new DecisionLog.Decided(
            clock.instant(),
            entry.object().namespace(),
            entry.resource().kind(),
            entry.object().name(),
            TRIGGER,
            decision));
    metrics.decided(decision.outcome().name().toLowerCase(java.util.Locale.ROOT));
    log.info(
        "decision",
        keyValue("namespace", entry.object().namespace()),
        keyValue("workload", entry.resource().kind() + "/" + entry.object().name()),
        keyValue("container", c.name()),
        keyValue("image", decision.image()),
        keyValue("policy", decision.policy()),
        keyValue("imageStreamTag", ref.toString()),
        keyValue("trigger", TRIGGER),
        keyValue("outcome", decision.outcome()),
        keyValue("update", decision.update()),
        keyValue("reason", decision.reason()));
  }

  private void apply(Entry entry, List<Planned> planned) throws KubeException {
    WorkloadKind kind = WorkloadKind.of(entry.resource().kind()).orElseThrow();
    List<KubeObject> created = new ArrayList<>();
    List<ContainerImage> images = new ArrayList<>();
    StringBuilder cause = new StringBuilder("mirrorgate: ");
    for (Planned p : planned) {
      // No phase until patched: a crash in between leaves the decided update for the leader.
      created.add(
          updates.create(
              spec(entry, p.container(), p.from(), p.decision().update(), 0, null),
              null,
              null,
              clock.instant()));
      images.add(
          new ContainerImage(p.container().name(), p.container().init(), p.decision().update()));
      if (cause.length() > "mirrorgate: ".length()) {
        cause.append("; ");
      }
      cause.append(p.container().name()).append(" → ").append(p.decision().update());
    }
    cause.append(" (").append(TRIGGER).append(")");
    ObjectNode patch =
        WorkloadPatch.of(
            kind, entry.object().resourceVersion(), images, cause.toString(), Map.of(), null);
    try {
      writes.strategicMergePatch(
          entry.resource(), entry.object().namespace(), entry.object().name(), patch);
    } catch (KubeException e) {
      if (e.conflict()) {
        for (KubeObject update : created) {
          updates.setPhase(
              update, Phase.Superseded, "the workload changed since the decision", null);
        }
        throw e; // queued again: decided from the workload's new version
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
              + p.from()
              + " → "
              + p.decision().update()
              + " ("
              + p.decision().reason()
              + ")");
    }
  }

  /** An update that waits for approvals: a Pending ImageUpdate; older Pending ones superseded. */
  private void hold(Entry entry, Planned p, UpdateSettings settings) throws KubeException {
    Instant deadline = clock.instant().plus(settings.approvalDeadline());
    ImageUpdates.Spec spec =
        spec(entry, p.container(), p.from(), p.decision().update(), settings.approvals(), deadline);
    String name = ImageUpdates.name(spec);
    Optional<KubeObject> existing = history.get(entry.object().namespace(), name);
    if (existing.isPresent() && Phase.of(existing.get()).map(ph -> !ph.finished()).orElse(false)) {
      return; // decided before: Pending still, or approved and being applied
    }
    List<KubeObject> older =
        history
            .pendingOf(
                Rollouts.containerKey(
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
            "waiting for "
                + settings.approvals()
                + " approval(s) until "
                + deadline.truncatedTo(ChronoUnit.SECONDS),
            clock.instant());
    for (KubeObject old : older) {
      if (Phase.of(old).map(phase -> !phase.finished()).orElse(true)) {
        updates.setPhase(
            old,
            Phase.Superseded,
            "superseded by " + pending.name() + " (" + p.decision().update() + ")",
            null);
      }
    }
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

  private static ImageStreams.TagReference reference(Entry entry, TrackedContainer c) {
    return ImageStreams.TagReference.of(
        (ImageStreamTagPolicy) c.policy(), entry.object().namespace());
  }

  private static ImageUpdates.Spec spec(
      Entry entry, TrackedContainer c, String from, String to, int approvals, Instant deadline) {
    return new ImageUpdates.Spec(
        entry.object().namespace(),
        entry.resource().kind(),
        entry.object().name(),
        c.name(),
        from,
        to,
        c.policySource(),
        IMAGE_UPDATE_TRIGGER,
        approvals,
        deadline);
  }
}
