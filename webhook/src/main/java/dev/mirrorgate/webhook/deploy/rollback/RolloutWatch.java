package dev.mirrorgate.webhook.deploy.rollback;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.update.UpdateSettings;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.webhook.controller.Conditions;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.deploy.ImageUpdateHistory;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.deploy.Quarantine;
import dev.mirrorgate.webhook.deploy.WorkloadIndex;
import dev.mirrorgate.webhook.deploy.WorkloadIndex.Entry;
import dev.mirrorgate.webhook.deploy.WorkloadPatch;
import dev.mirrorgate.webhook.deploy.WorkloadPatch.ContainerImage;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's watch over the rollouts of workloads with {@code mirrorgate.dev/rollback: "true"},
 * one key per workload ({@code Kind/namespace/name}). An Applied ImageUpdate whose image the
 * container still runs is judged by {@link RolloutHealth} from the workload's status: once rolled
 * out it gets the condition {@value #ROLLED_OUT} and is not looked at again; a failed rollout
 * (ProgressDeadlineExceeded, or not rolled out within {@code mirrorgate.dev/rollback-after} of its
 * {@code appliedAt}) is reverted: every such container back to its {@code spec.from} in one patch,
 * conditional on the version judged, which also quarantines the digest ({@link Quarantine}); then
 * the ImageUpdates become {@code RolledBack}, with a Warning Event on the workload, a log line and
 * a metric.
 */
public final class RolloutWatch implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(RolloutWatch.class);
  public static final String ROLLED_OUT = "RolledOut";

  private final WorkloadIndex index;
  private final ImageUpdateHistory history;
  private final KubeRest writes;
  private final EventSink events;
  private final MeterRegistry meters;
  private final Clock clock;

  /**
   * @param writes a leader-gated client (the watch runs on the leader only)
   */
  public RolloutWatch(
      WorkloadIndex index,
      ImageUpdateHistory history,
      KubeRest writes,
      EventSink events,
      MeterRegistry meters,
      Clock clock) {
    this.index = index;
    this.history = history;
    this.writes = writes;
    this.events = events;
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rollback";
  }

  /** Whether the watch looks at {@code entry} at all. */
  public static boolean watches(Entry entry) {
    return entry.tracking().settings().rollback()
        && !entry.resource().kind().equals(WorkloadKind.CRON_JOB.kind());
  }

  /** The workload key an ImageUpdate belongs to. */
  public static String workloadKey(KubeObject update) {
    JsonNode workload = update.node().path("spec").path("workload");
    return WorkloadIndex.key(
        workload.path("kind").asText(), update.namespace(), workload.path("name").asText());
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Optional<Entry> found = index.get(key);
    if (found.isEmpty() || !watches(found.get())) {
      return Result.done();
    }
    Entry entry = found.get();
    List<KubeObject> applied = unjudged(key);
    if (applied.isEmpty()) {
      return Result.done();
    }
    Optional<KubeObject> fresh =
        writes.get(entry.resource(), entry.object().namespace(), entry.object().name());
    if (fresh.isEmpty()) {
      return Result.done();
    }
    Map<String, Running> running = running(fresh.get().node());
    List<KubeObject> current =
        applied.stream()
            .filter(
                u -> {
                  Running r = running.get(u.node().path("spec").path("container").asText());
                  return r != null && r.image().equals(u.node().path("spec").path("to").asText());
                })
            .toList();
    if (current.isEmpty()) {
      return Result.done(); // each container moved on since: nothing of these rollouts is left
    }
    WorkloadKind kind = WorkloadKind.of(entry.resource().kind()).orElseThrow();
    UpdateSettings settings = entry.tracking().settings();
    Instant appliedAt =
        current.stream().map(RolloutWatch::appliedAt).max(Comparator.naturalOrder()).orElseThrow();
    Instant now = clock.instant();
    RolloutHealth.Verdict verdict =
        RolloutHealth.assess(kind, fresh.get().node(), appliedAt, now, settings.rollbackAfter());
    switch (verdict) {
      case RolloutHealth.Complete complete -> {
        for (KubeObject update : current) {
          writeStatus(update, null, null, condition(true, "RolloutComplete", complete.message()));
        }
        log.info(
            "rollout complete",
            keyValue("namespace", entry.object().namespace()),
            keyValue("workload", kind.kind() + "/" + entry.object().name()),
            keyValue("imageUpdates", current.stream().map(KubeObject::name).toList()),
            keyValue("decision", "keep"));
        Counter.builder("mirrorgate.deploy.rollouts.complete")
            .description("Rollouts watched for rollback that completed, by workload kind")
            .tag("kind", kind.kind())
            .register(meters)
            .increment();
        return Result.done();
      }
      case RolloutHealth.Progressing progressing -> {
        return Result.after(progressing.recheckIn().plus(Duration.ofMillis(200)));
      }
      case RolloutHealth.Unwatched unwatched -> {
        log.debug("not judging {}: {}", key, unwatched.why());
        return Result.done();
      }
      case RolloutHealth.Failed failed -> {
        revert(entry, fresh.get(), kind, current, running, failed);
        return Result.done();
      }
    }
  }

  /** The Applied ImageUpdates of the workload not yet judged rolled out. */
  private List<KubeObject> unjudged(String workloadKey) {
    return history.all().stream()
        .filter(u -> workloadKey.equals(workloadKey(u)))
        .filter(u -> Phase.of(u).orElse(null) == Phase.Applied)
        .filter(
            u ->
                Conditions.find(u.node().path("status").path("conditions"), ROLLED_OUT)
                    .isMissingNode())
        .toList();
  }

  /** A container of the workload as it runs now. */
  private record Running(String image, boolean init) {}

  private static Map<String, Running> running(JsonNode workload) {
    Map<String, Running> running = new HashMap<>();
    WorkloadKind kind = WorkloadKind.of(workload.path("kind").asText()).orElse(null);
    if (kind == null) {
      return running;
    }
    JsonNode podSpec = workload.at(kind.podSpecPointer());
    for (JsonNode c : podSpec.path("initContainers")) {
      running.put(c.path("name").asText(), new Running(c.path("image").asText(), true));
    }
    for (JsonNode c : podSpec.path("containers")) {
      running.put(c.path("name").asText(), new Running(c.path("image").asText(), false));
    }
    return running;
  }

  private void revert(
      Entry entry,
      KubeObject fresh,
      WorkloadKind kind,
      List<KubeObject> failedUpdates,
      Map<String, Running> running,
      RolloutHealth.Failed failed)
      throws KubeException {
    String namespace = entry.object().namespace();
    String workload = kind.kind() + "/" + entry.object().name();
    List<ContainerImage> images = new ArrayList<>();
    List<KubeObject> reverted = new ArrayList<>();
    List<String> quarantined = new ArrayList<>();
    String quarantine = fresh.annotations().get(Quarantine.ANNOTATION);
    if (Quarantine.unreadable(quarantine)) {
      log.warn(
          "replacing an unreadable quarantine annotation",
          keyValue("namespace", namespace),
          keyValue("workload", workload),
          keyValue("annotation", Quarantine.ANNOTATION));
    }
    StringBuilder cause = new StringBuilder("mirrorgate: rolled back ");
    for (KubeObject update : failedUpdates) {
      String container = update.node().path("spec").path("container").asText();
      String from = update.node().path("spec").path("from").asText();
      String to = update.node().path("spec").path("to").asText();
      if (from.equals(to)) {
        writeStatus(
            update,
            Phase.Failed,
            "the rollout failed ("
                + failed.message()
                + ") and cannot be rolled back: it wrote the image it replaced (a re-push of"
                + " the tag without a digest)",
            condition(false, reason(failed), failed.message()));
        events.warning(
            entry.object(),
            "RollbackImpossible",
            container + ": " + to + " failed to roll out and names the image it replaced");
        continue;
      }
      images.add(new ContainerImage(container, running.get(container).init(), from));
      reverted.add(update);
      if (cause.length() > "mirrorgate: rolled back ".length()) {
        cause.append("; ");
      }
      cause.append(container).append(" → ").append(from);
      Optional<String> digest = Quarantine.digestOf(to);
      if (digest.isPresent()) {
        quarantine = Quarantine.with(quarantine, container, digest.get());
        quarantined.add(container + "@" + Quarantine.shortDigest(digest.get()));
      }
    }
    if (images.isEmpty()) {
      return;
    }
    cause.append(" (").append(failed.reason()).append(")");
    ObjectNode patch =
        WorkloadPatch.of(
            kind,
            fresh.resourceVersion(),
            images,
            cause.toString(),
            quarantine == null ? Map.of() : Map.of(Quarantine.ANNOTATION, quarantine),
            null);
    writes.strategicMergePatch(entry.resource(), namespace, entry.object().name(), patch);
    String quarantineNote =
        quarantined.isEmpty()
            ? "; no digest to quarantine (the update wrote none)"
            : "; quarantined: " + String.join(", ", quarantined);
    for (KubeObject update : reverted) {
      writeStatus(
          update,
          Phase.RolledBack,
          "rolled back to "
              + update.node().path("spec").path("from").asText()
              + ": "
              + failed.message()
              + quarantineNote,
          condition(false, reason(failed), failed.message()));
      Counter.builder("mirrorgate.deploy.rollbacks")
          .description("Updates rolled back after a failed rollout, by workload kind and reason")
          .tag("kind", kind.kind())
          .tag("reason", failed.reason())
          .register(meters)
          .increment();
    }
    String summary =
        reverted.stream()
            .map(
                u ->
                    u.node().path("spec").path("container").asText()
                        + ": "
                        + u.node().path("spec").path("to").asText()
                        + " → "
                        + u.node().path("spec").path("from").asText())
            .reduce((a, b) -> a + "; " + b)
            .orElse("");
    events.warning(entry.object(), "RolledBack", summary + " (" + failed.message() + ")");
    log.warn(
        "rollback",
        keyValue("namespace", namespace),
        keyValue("workload", workload),
        keyValue("imageUpdates", reverted.stream().map(KubeObject::name).toList()),
        keyValue("reason", failed.reason()),
        keyValue("message", failed.message()),
        keyValue("reverted", summary),
        keyValue("quarantined", quarantined),
        keyValue("decision", "roll-back"));
  }

  private static String reason(RolloutHealth.Failed failed) {
    return RolloutHealth.PROGRESS_DEADLINE.equals(failed.reason())
        ? "ProgressDeadlineExceeded"
        : "RolloutTimeout";
  }

  private Conditions.Condition condition(boolean status, String reason, String message) {
    return new Conditions.Condition(ROLLED_OUT, status, reason, message);
  }

  /** One status write: the phase and message when given, and the RolledOut condition. */
  private void writeStatus(
      KubeObject update, Phase phase, String message, Conditions.Condition condition)
      throws KubeException {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode status = patch.putObject("status");
    if (phase != null) {
      status.put("phase", phase.name());
      status.put("message", message.length() > 4000 ? message.substring(0, 4000) + "…" : message);
    }
    status.set(
        "conditions",
        Conditions.with(
            update.node().path("status").path("conditions"),
            condition,
            update.generation(),
            clock.instant()));
    writes.mergePatchStatus(ImageUpdates.RESOURCE, update.namespace(), update.name(), patch);
  }

  private static Instant appliedAt(KubeObject update) {
    String at = update.node().path("status").path("appliedAt").asText("");
    if (at.isEmpty()) {
      at = update.node().path("metadata").path("creationTimestamp").asText("");
    }
    return at.isEmpty() ? Instant.EPOCH : Instant.parse(at);
  }
}
