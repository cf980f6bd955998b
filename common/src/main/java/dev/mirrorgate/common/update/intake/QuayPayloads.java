package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;

/**
 * Quay's "repository push" notification ({@code POST /v1/webhooks/quay}): {@code {"docker_url":
 * "quay.io/namespace/repository", "repository": "namespace/repository", "updated_tags": [...]}},
 * one event per updated tag. Quay names no digest and no event id.
 */
final class QuayPayloads implements PayloadParser {

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.QUAY;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "a Quay repository push notification");
    String url = Payloads.text(root, "docker_url");
    if (url.isEmpty()) {
      url = "quay.io/" + Payloads.required(root, "", "repository");
    }
    JsonNode tags = root.path("updated_tags");
    if (!tags.isArray()) {
      throw new MalformedPayloadException("updated_tags must be an array of tags");
    }
    List<PushEvent> events = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      if (!tags.get(i).isTextual()) {
        throw new MalformedPayloadException("updated_tags[" + i + "] is not a tag");
      }
      try {
        events.add(new PushEvent(Payloads.image(url, tags.get(i).asText(), null), null, source()));
      } catch (InvalidImageReferenceException e) {
        throw new MalformedPayloadException(
            "docker_url / updated_tags[" + i + "]: " + e.getMessage());
      }
    }
    List<Intake.Ignored> ignored =
        events.isEmpty() ? List.of(new Intake.Ignored(null, "no updated tags")) : List.of();
    return new Intake(events, ignored);
  }
}
