package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.admission.JsonWriter;
import java.util.List;

/**
 * The {@code mirrorgate.dev/original-images} annotation: container name to the image that was asked
 * for. Entries already present are kept (a reinvocation sees images that are already mirrored and
 * leaves their entries alone); a container rewritten now gets its entry set.
 */
final class OriginalImagesAnnotation {
  static final String KEY = "mirrorgate.dev/original-images";
  private static final String POINTER = "/metadata/annotations/" + JsonPatch.escape(KEY);

  private final ObjectMapper mapper;

  OriginalImagesAnnotation(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Adds to {@code patch} the operation that records {@code rewrites} on {@code pod}. */
  void record(JsonNode pod, List<ImageRewrite> rewrites, JsonPatch patch) {
    JsonNode metadata = pod.path("metadata");
    JsonNode annotations = metadata.path("annotations");
    ObjectNode originals = existing(annotations.path(KEY));
    for (ImageRewrite rewrite : rewrites) {
      originals.put(rewrite.container(), rewrite.from());
    }
    String value = JsonWriter.text(originals);
    if (annotations.isObject()) {
      patch.add(POINTER, mapper.getNodeFactory().textNode(value));
    } else if (metadata.isObject()) {
      patch.add("/metadata/annotations", mapper.createObjectNode().put(KEY, value));
    } else {
      ObjectNode newMetadata = mapper.createObjectNode();
      newMetadata.putObject("annotations").put(KEY, value);
      patch.add("/metadata", newMetadata);
    }
  }

  private ObjectNode existing(JsonNode current) {
    if (current.isTextual()) {
      try {
        JsonNode parsed = mapper.readTree(current.textValue());
        if (parsed != null && parsed.isObject()) {
          return (ObjectNode) parsed;
        }
      } catch (JsonProcessingException e) {
        // Not ours to repair beyond replacing it with a well-formed value.
      }
    }
    return mapper.createObjectNode();
  }
}
