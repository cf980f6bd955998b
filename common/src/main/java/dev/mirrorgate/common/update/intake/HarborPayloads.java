package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;

/**
 * Harbor's webhooks ({@code POST /v1/webhooks/harbor}): Harbor 2's {@code PUSH_ARTIFACT} and Harbor
 * 1's {@code pushImage} ({@code {"type", "occur_at", "operator", "event_data": {"resources":
 * [{"digest", "tag", "resource_url"}], "repository": {...}}}}), and Harbor 2.10's CloudEvents form
 * ({@code {"specversion", "id", "type": "harbor.artifact.pushed", "data": {"resources": [...]}}}).
 * One event per resource with a tag; other event types and artifacts pushed by digest (replication)
 * are ignored.
 */
final class HarborPayloads implements PayloadParser {

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.HARBOR;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "a Harbor webhook payload");
    boolean cloudEvent = root.has("specversion");
    String type = Payloads.text(root, "type");
    String id = cloudEvent ? Payloads.text(root, "id") : "";
    String eventId = id.isEmpty() ? null : id;
    boolean push =
        cloudEvent
            ? type.equals("harbor.artifact.pushed")
            : type.equals("PUSH_ARTIFACT") || type.equals("pushImage");
    if (type.isEmpty()) {
      throw new MalformedPayloadException("type is missing");
    }
    if (!push) {
      return new Intake(
          List.of(), List.of(new Intake.Ignored(eventId, "a Harbor " + type + " event")));
    }
    String dataKey = cloudEvent ? "data" : "event_data";
    JsonNode resources = root.path(dataKey).path("resources");
    if (!resources.isArray()) {
      throw new MalformedPayloadException(dataKey + ".resources must be an array");
    }
    List<PushEvent> events = new ArrayList<>();
    List<Intake.Ignored> ignored = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      JsonNode r = resources.get(i);
      String where = dataKey + ".resources[" + i + "]";
      String url = Payloads.text(r, "resource_url");
      String tag = Payloads.text(r, "tag");
      String digest = Payloads.text(r, "digest");
      if (tag.isEmpty() || tag.startsWith("sha256:")) {
        ignored.add(
            new Intake.Ignored(eventId, where + ": an artifact pushed by digest, without a tag"));
        continue;
      }
      if (url.isEmpty()) {
        throw new MalformedPayloadException(where + ".resource_url is missing");
      }
      try {
        ImageReference ref = ImageReference.parse(url);
        events.add(new PushEvent(Payloads.image(ref.name(), tag, digest), eventId, source()));
      } catch (InvalidImageReferenceException e) {
        throw new MalformedPayloadException(where + ": " + e.getMessage());
      }
    }
    return new Intake(events, ignored);
  }
}
