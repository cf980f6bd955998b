package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * What the mutator decided for one Pod.
 *
 * @param patch the JSON Patch, or null when nothing changes (no change, no patch)
 * @param skipped why the Pod was not looked at (e.g. opted out), or null
 */
public record Mutation(
    ArrayNode patch, List<ImageRewrite> rewrites, List<String> warnings, String skipped) {

  static Mutation skipped(String reason) {
    return new Mutation(null, List.of(), List.of(), reason);
  }

  public boolean changed() {
    return patch != null;
  }
}
