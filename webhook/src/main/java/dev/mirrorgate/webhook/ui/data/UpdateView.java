package dev.mirrorgate.webhook.ui.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An ImageUpdate as the UI and the API show it (field names are the API's, stable). Timestamps are
 * RFC 3339 text as the object has them; missing fields are null (0 for {@code approvalsRequired}).
 */
public record UpdateView(
    String namespace,
    String name,
    Workload workload,
    String container,
    String from,
    String to,
    String policy,
    String trigger,
    int approvalsRequired,
    String deadline,
    String phase,
    List<Vote> approvals,
    String message,
    String appliedAt,
    String created) {

  public static final String PENDING = "Pending";

  /** The phases of an ImageUpdate (the CRD's enum). */
  public static final List<String> PHASES =
      List.of(
          "Pending",
          "Approved",
          "Applied",
          "Rejected",
          "Expired",
          "Superseded",
          "RolledBack",
          "Failed");

  /** The workload an update is for. */
  public record Workload(String kind, String name) {}

  /** A vote: who cast it, when. */
  public record Vote(String voter, String at) {}

  public UpdateView {
    approvals = List.copyOf(approvals);
  }

  /** Reads an ImageUpdate object; never throws (a field that is missing reads as null). */
  public static UpdateView of(KubeObject object) {
    JsonNode node = object.node();
    JsonNode spec = node.path("spec");
    JsonNode status = node.path("status");
    List<Vote> votes = new ArrayList<>();
    for (JsonNode vote : status.path("approvals")) {
      votes.add(new Vote(text(vote, "voter"), text(vote, "at")));
    }
    return new UpdateView(
        object.namespace(),
        object.name(),
        new Workload(text(spec.path("workload"), "kind"), text(spec.path("workload"), "name")),
        text(spec, "container"),
        text(spec, "from"),
        text(spec, "to"),
        text(spec, "policy"),
        text(spec, "trigger"),
        spec.path("approvalsRequired").asInt(0),
        text(spec, "deadline"),
        text(status, "phase"),
        votes,
        text(status, "message"),
        text(status, "appliedAt"),
        text(node.path("metadata"), "creationTimestamp"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  public boolean pending() {
    return PENDING.equals(phase);
  }

  /** Whether the update reached a phase it never leaves (everything but Pending and Approved). */
  public boolean finished() {
    return phase != null && !PENDING.equals(phase) && !"Approved".equals(phase);
  }

  /** Whether {@code user} has voted for it. */
  public boolean votedBy(String user) {
    return approvals.stream().anyMatch(v -> user.equals(v.voter()));
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }
}
