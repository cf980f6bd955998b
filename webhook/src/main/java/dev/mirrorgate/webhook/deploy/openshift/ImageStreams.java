package dev.mirrorgate.webhook.deploy.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.json.CompactNodeFactory;
import dev.mirrorgate.common.update.ImageStreamTagPolicy;
import dev.mirrorgate.webhook.kube.ApiResource;
import java.util.function.UnaryOperator;

/**
 * OpenShift's ImageStreams ({@code image.openshift.io/v1}) as push-to-deploy reads them: an
 * ImageStreamTag {@code stream:tag} points at the newest item of the stream's {@code
 * status.tags[tag]}, whose {@code dockerImageReference} (a pull spec, normally by digest) is what
 * OpenShift's trigger controller writes into the container.
 */
public final class ImageStreams {
  public static final ApiResource RESOURCE =
      new ApiResource("image.openshift.io", "v1", "imagestreams", "ImageStream", true);

  private ImageStreams() {}

  /** The ImageStreamTag a trigger names, with its namespace resolved. */
  public record TagReference(String namespace, String stream, String tag) {
    /** From a trigger's policy; {@code from.namespace} defaults to the workload's. */
    public static TagReference of(ImageStreamTagPolicy policy, String workloadNamespace) {
      String streamTag = policy.streamTag();
      int colon = streamTag.indexOf(':');
      return new TagReference(
          policy.namespace() == null || policy.namespace().isEmpty()
              ? workloadNamespace
              : policy.namespace(),
          streamTag.substring(0, colon),
          streamTag.substring(colon + 1));
    }

    @Override
    public String toString() {
      return namespace + "/" + stream + ":" + tag;
    }
  }

  /** What a tag resolves to. */
  public sealed interface Resolution {}

  /** The image the tag points at now. */
  public record Resolved(String image) implements Resolution {}

  /** No image yet, and why. */
  public record Unresolved(String why) implements Resolution {}

  /**
   * The image {@code reference} points at in {@code stream} (null when the ImageStream does not
   * exist).
   */
  public static Resolution resolve(JsonNode stream, TagReference reference) {
    if (stream == null) {
      return new Unresolved(
          "ImageStream " + reference.namespace() + "/" + reference.stream() + " does not exist");
    }
    JsonNode status = stream.path("status");
    for (JsonNode tag : status.path("tags")) {
      if (!reference.tag().equals(tag.path("tag").asText())) {
        continue;
      }
      JsonNode newest = tag.path("items").path(0);
      if (newest.isMissingNode()) {
        return new Unresolved("ImageStreamTag " + reference + " has no image yet");
      }
      String image = newest.path("dockerImageReference").asText("");
      if (image.isEmpty()) {
        String digest = newest.path("image").asText("");
        String repository = status.path("dockerImageRepository").asText("");
        if (digest.isEmpty() || repository.isEmpty()) {
          return new Unresolved(
              "ImageStreamTag " + reference + " names neither a dockerImageReference nor an image");
        }
        image = repository + "@" + digest;
      }
      try {
        ImageReference.parse(image);
      } catch (InvalidImageReferenceException e) {
        return new Unresolved(
            "ImageStreamTag " + reference + " points at \"" + image + "\": " + e.getMessage());
      }
      return new Resolved(image);
    }
    return new Unresolved(
        "ImageStream "
            + reference.namespace()
            + "/"
            + reference.stream()
            + " has no tag "
            + reference.tag()
            + " in its status yet");
  }

  /**
   * What the informer keeps of an ImageStream: identity, {@code status.dockerImageRepository} and,
   * per status tag, its name and newest item.
   */
  public static final UnaryOperator<ObjectNode> PROJECTION =
      stream -> {
        ObjectNode kept = CompactNodeFactory.INSTANCE.objectNode();
        kept.put("apiVersion", stream.path("apiVersion").asText(RESOURCE.apiVersion()));
        kept.put("kind", stream.path("kind").asText(RESOURCE.kind()));
        ObjectNode metadata = kept.putObject("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion"}) {
          if (stream.path("metadata").hasNonNull(field)) {
            metadata.set(field, stream.path("metadata").get(field));
          }
        }
        ObjectNode status = kept.putObject("status");
        if (stream.path("status").hasNonNull("dockerImageRepository")) {
          status.set("dockerImageRepository", stream.path("status").get("dockerImageRepository"));
        }
        var tags = status.putArray("tags");
        for (JsonNode tag : stream.path("status").path("tags")) {
          ObjectNode t = tags.addObject();
          t.set("tag", tag.path("tag"));
          JsonNode newest = tag.path("items").path(0);
          if (newest.isObject()) {
            ObjectNode item = t.putArray("items").addObject();
            for (String field : new String[] {"dockerImageReference", "image", "created"}) {
              if (newest.hasNonNull(field)) {
                item.set(field, newest.get(field));
              }
            }
          }
        }
        return kept;
      };
}
