package dev.mirrorgate.webhook.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.owned.ContentHash;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * ImageUpdate objects: one per decided update of one workload container, in the workload's
 * namespace. Its name is derived from the workload, the container and the image it gets, so the
 * same decision made twice (a retried push, a second replica) is one object. Labels select the
 * history of one workload container.
 */
public final class ImageUpdates {
  public static final ApiResource RESOURCE =
      new ApiResource("mirrorgate.dev", "v1alpha1", "imageupdates", "ImageUpdate", true);
  public static final String WORKLOAD_KIND_LABEL = "mirrorgate.dev/workload-kind";
  public static final String WORKLOAD_LABEL = "mirrorgate.dev/workload";
  public static final String CONTAINER_LABEL = "mirrorgate.dev/container";

  /** The phases of the contract; those after Pending and Approved are final. */
  public enum Phase {
    Pending,
    Approved,
    Applied,
    Rejected,
    Expired,
    Superseded,
    RolledBack,
    Failed;

    public boolean finished() {
      return this != Pending && this != Approved;
    }

    /** The phase, empty while none is written (created, being applied). */
    public static Optional<Phase> of(KubeObject update) {
      String phase = update.node().path("status").path("phase").asText("");
      for (Phase p : values()) {
        if (p.name().equals(phase)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  /** What one update is: the spec of an ImageUpdate. */
  public record Spec(
      String namespace,
      String workloadKind,
      String workloadName,
      String container,
      String from,
      String to,
      String policy,
      String trigger,
      int approvalsRequired,
      Instant deadline) {}

  private final KubeRest writes;

  public ImageUpdates(KubeRest writes) {
    this.writes = writes;
  }

  /** The object's name for {@code spec}: readable, unique per workload, container and target. */
  public static String name(Spec spec) {
    String hash =
        ContentHash.of(spec.workloadKind(), spec.workloadName(), spec.container(), spec.to())
            .substring("sha256:".length(), "sha256:".length() + 10);
    String readable =
        (spec.workloadName() + "-" + spec.container())
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    readable = readable.substring(0, Math.min(readable.length(), 200)).replaceAll("-+$", "");
    return readable + "-" + hash;
  }

  /** A label value for a name that may be longer than a label allows. */
  public static String labelValue(String value) {
    if (value.length() <= 63) {
      return value;
    }
    return value.substring(0, 52) + "-" + ContentHash.of(value).substring(7, 17);
  }

  /**
   * Creates the ImageUpdate of {@code spec} with {@code phase} (none: the status is written once
   * the update is applied; a leader finds status-less ones a crash left behind and applies them),
   * or returns the existing one of the same name (the same decision, made before).
   */
  public KubeObject create(Spec spec, Phase phase, String message, Instant now)
      throws KubeException {
    String name = name(spec);
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", RESOURCE.apiVersion()).put("kind", RESOURCE.kind());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name).put("namespace", spec.namespace());
    metadata
        .putObject("labels")
        .put(WORKLOAD_KIND_LABEL, spec.workloadKind())
        .put(WORKLOAD_LABEL, labelValue(spec.workloadName()))
        .put(CONTAINER_LABEL, labelValue(spec.container()))
        .put("app.kubernetes.io/managed-by", "mirrorgate");
    ObjectNode body = object.putObject("spec");
    body.putObject("workload").put("kind", spec.workloadKind()).put("name", spec.workloadName());
    body.put("container", spec.container());
    body.put("from", spec.from());
    body.put("to", spec.to());
    if (spec.policy() != null) {
      body.put("policy", spec.policy());
    }
    body.put("trigger", spec.trigger());
    body.put("approvalsRequired", spec.approvalsRequired());
    if (spec.deadline() != null) {
      body.put("deadline", spec.deadline().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    KubeObject created;
    try {
      created = writes.create(RESOURCE, object);
    } catch (KubeException e) {
      if (!e.conflict()) {
        throw e;
      }
      return writes.get(RESOURCE, spec.namespace(), name).orElseThrow(() -> e);
    }
    return phase == null ? created : setPhase(created, phase, message, null);
  }

  /** Sets the phase (and message, and appliedAt when given) of {@code update}. */
  public KubeObject setPhase(KubeObject update, Phase phase, String message, Instant appliedAt)
      throws KubeException {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode status = patch.putObject("status");
    status.put("phase", phase.name());
    status.put("message", message.length() > 4000 ? message.substring(0, 4000) + "…" : message);
    if (appliedAt != null) {
      status.put("appliedAt", appliedAt.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    return writes.mergePatchStatus(RESOURCE, update.namespace(), update.name(), patch);
  }

  /** The number of distinct voters in the ImageUpdate's approvals. */
  public static long votes(KubeObject update) {
    java.util.Set<String> voters = new java.util.HashSet<>();
    for (JsonNode vote : update.node().path("status").path("approvals")) {
      voters.add(vote.path("voter").asText());
    }
    return voters.size();
  }
}
