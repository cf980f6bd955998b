package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.List;

/**
 * Keel's native webhook ({@code POST /v1/webhooks/native}): {@code {"name": "repo", "tag": "1.2.3",
 * "digest"?: "sha256:…"}}; {@code name} may carry a registry host ({@code gcr.io/project/app}),
 * else it is Docker Hub's.
 */
final class NativePayloads implements PayloadParser {

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.NATIVE;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "{\"name\", \"tag\", \"digest\"?}");
    String name = Payloads.required(root, "", "name");
    String tag = Payloads.required(root, "", "tag");
    String digest = Payloads.text(root, "digest");
    if (name.contains(":") && !name.contains("/") || name.contains("@")) {
      throw new MalformedPayloadException(
          "name \"" + name + "\" must be a repository, without a tag or digest");
    }
    try {
      return new Intake(
          List.of(new PushEvent(Payloads.image(name, tag, digest), null, source())), List.of());
    } catch (InvalidImageReferenceException e) {
      throw new MalformedPayloadException(e.getMessage());
    }
  }
}
