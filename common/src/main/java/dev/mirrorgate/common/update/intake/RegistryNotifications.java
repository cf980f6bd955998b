package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Distribution registry notifications ({@code POST /v1/webhooks/registry}, alias {@code /event}):
 * an envelope {@code {"events": [...]}} (content type {@code
 * application/vnd.docker.distribution.events.v1+json} or {@code .v2+json}, or anything: only the
 * bytes count) with one or more events. Only the push of a manifest with a tag counts; blobs,
 * pulls, mounts, deletes and manifests pushed by digest (the per-platform manifests of a multi-arch
 * push) are ignored with a reason. The registry host is the {@code X-Mirrorgate-Registry-Name}
 * header's value when given, else the event's {@code request.host}.
 */
final class RegistryNotifications implements PayloadParser {
  private static final Set<String> MANIFEST_TYPES =
      Set.of(
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v1+prettyjws",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json");

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.REGISTRY;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "a notification envelope {\"events\": [...]}");
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) {
      throw new MalformedPayloadException(
          "expected a notification envelope: \"events\" must be an array of events");
    }
    String override = registryName == null ? "" : registryName.trim();
    List<PushEvent> pushes = new ArrayList<>();
    List<Intake.Ignored> ignored = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (!e.isObject()) {
        throw new MalformedPayloadException("events[" + i + "] is not an object");
      }
      String id = Payloads.text(e, "id");
      String why = irrelevance(e);
      if (why != null) {
        ignored.add(new Intake.Ignored(id.isEmpty() ? null : id, why));
        continue;
      }
      String host =
          (override.isEmpty() ? Payloads.text(e, "request", "host") : override)
              .toLowerCase(Locale.ROOT);
      if (host.isEmpty()) {
        ignored.add(
            new Intake.Ignored(
                id.isEmpty() ? null : id,
                "no request.host and no X-Mirrorgate-Registry-Name: the registry is unknown"));
        continue;
      }
      JsonNode target = e.path("target");
      try {
        pushes.add(
            new PushEvent(
                Payloads.image(
                    host + "/" + Payloads.text(target, "repository"),
                    Payloads.text(target, "tag"),
                    Payloads.text(target, "digest")),
                id.isEmpty() ? null : id,
                source()));
      } catch (InvalidImageReferenceException ex) {
        ignored.add(new Intake.Ignored(id.isEmpty() ? null : id, ex.getMessage()));
      }
    }
    return new Intake(pushes, ignored);
  }

  /** Null for a tagged manifest push, else why the event changes nothing. */
  private static String irrelevance(JsonNode e) {
    String action = Payloads.text(e, "action");
    JsonNode target = e.path("target");
    String mediaType = Payloads.text(target, "mediaType");
    String url = Payloads.text(target, "url");
    switch (action) {
      case "push" -> {
        // below
      }
      case "pull" -> {
        return "a pull";
      }
      case "mount" -> {
        return "a blob mount";
      }
      case "delete" -> {
        return "a delete";
      }
      case "" -> {
        return "no action";
      }
      default -> {
        return "action \"" + action + "\"";
      }
    }
    boolean manifest =
        MANIFEST_TYPES.contains(mediaType) || (mediaType.isEmpty() && url.contains("/manifests/"));
    if (!manifest) {
      return url.contains("/blobs/") || !mediaType.isEmpty()
          ? "a blob (layer) push" + (mediaType.isEmpty() ? "" : " (" + mediaType + ")")
          : "not a manifest";
    }
    if (Payloads.text(target, "repository").isEmpty()) {
      return "a manifest push without target.repository";
    }
    if (Payloads.text(target, "tag").isEmpty()) {
      return "a manifest pushed by digest, without a tag";
    }
    return null;
  }
}
