package dev.mirrorgate.webhook.deploy.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.temporal.ChronoUnit;

/**
 * The bodies posted for a notification: a stable JSON object for generic webhooks (README:
 * "Notifications"), and a Slack-compatible {@code {"text": …}} message.
 */
public final class NotificationPayloads {
  private NotificationPayloads() {}

  /**
   * The generic webhook's body: {@code {"type", "time", "namespace", "workload": {"kind", "name"},
   * "container", "from", "to", "policy", "trigger", "phase", "message", "imageUpdate"}}; {@code
   * policy} may be null. New fields may be added; these keep their names and meaning.
   */
  public static ObjectNode json(UpdateNotification n) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("type", n.type());
    body.put("time", n.time().truncatedTo(ChronoUnit.SECONDS).toString());
    body.put("namespace", n.namespace());
    body.putObject("workload").put("kind", n.workloadKind()).put("name", n.workloadName());
    body.put("container", n.container());
    body.put("from", n.from());
    body.put("to", n.to());
    body.put("policy", n.policy());
    body.put("trigger", n.trigger());
    body.put("phase", n.phase());
    body.put("message", n.message());
    body.put("imageUpdate", n.imageUpdate());
    return body;
  }

  /**
   * A Slack incoming webhook's body: {@code {"text": …}} in Slack's mrkdwn, with {@code &}, {@code
   * <} and {@code >} escaped as Slack requires (so nothing in an image or message becomes a link or
   * a mention).
   */
  public static ObjectNode slack(UpdateNotification n) {
    String headline =
        switch (n.type()) {
          case "pending-approval" -> ":hourglass: Update waiting for approval";
          case "applied" -> ":white_check_mark: Update applied";
          case "failed" -> ":x: Update failed";
          case "rolled-back" -> ":rewind: Update rolled back";
          case "expired" -> ":alarm_clock: Update expired unapproved";
          case "rejected" -> ":no_entry: Update rejected";
          default -> "Update " + n.type();
        };
    StringBuilder text = new StringBuilder();
    text.append('*').append(escape(headline)).append("*: ");
    text.append('`')
        .append(escape(n.namespace() + "/" + n.workloadKind() + "/" + n.workloadName()))
        .append("` container `")
        .append(escape(n.container()))
        .append("`\n`")
        .append(escape(n.from()))
        .append("` → `")
        .append(escape(n.to()))
        .append("`\n");
    text.append(n.policy() == null ? "" : escape(n.policy()) + ", ")
        .append("trigger ")
        .append(escape(n.trigger()))
        .append(", ImageUpdate `")
        .append(escape(n.imageUpdate()))
        .append('`');
    if (!n.message().isEmpty()) {
      text.append("\n> ").append(escape(n.message()));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("text", text.toString());
    return body;
  }

  /** Slack's three control characters as entities. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
