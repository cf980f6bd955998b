package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.List;

/**
 * Docker Hub's repository webhook ({@code POST /v1/webhooks/dockerhub}): {@code {"push_data":
 * {"tag", "pushed_at", "pusher"}, "repository": {"repo_name": "namespace/name", ...},
 * "callback_url"}}. Docker Hub names no digest and no event id.
 */
final class DockerHubPayloads implements PayloadParser {

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.DOCKERHUB;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "a Docker Hub webhook payload");
    String repository = Payloads.required(root, "", "repository", "repo_name");
    String tag = Payloads.text(root, "push_data", "tag");
    if (tag.isEmpty()) {
      return new Intake(List.of(), List.of(new Intake.Ignored(null, "a push without a tag")));
    }
    try {
      return new Intake(
          List.of(
              new PushEvent(Payloads.image("docker.io/" + repository, tag, null), null, source())),
          List.of());
    } catch (InvalidImageReferenceException e) {
      throw new MalformedPayloadException("repository.repo_name: " + e.getMessage());
    }
  }
}
