package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Standard status conditions ({@code type, status, reason, message, observedGeneration,
 * lastTransitionTime}): setting one keeps its transition time when its status does not change, as
 * Kubernetes tools expect.
 */
public final class Conditions {
  private Conditions() {}

  /** One condition's desired state. */
  public record Condition(String type, boolean status, String reason, String message) {}

  /** The conditions array with {@code condition} set, given the current array (may be missing). */
  public static ArrayNode with(
      JsonNode current, Condition condition, long observedGeneration, Instant now) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    String transition = now.truncatedTo(ChronoUnit.SECONDS).toString();
    boolean found = false;
    for (JsonNode existing : current == null ? JsonNodeFactory.instance.arrayNode() : current) {
      if (condition.type().equals(existing.path("type").asText())) {
        found = true;
        String status = condition.status() ? "True" : "False";
        if (status.equals(existing.path("status").asText())
            && existing.hasNonNull("lastTransitionTime")) {
          transition = existing.path("lastTransitionTime").asText();
        }
        result.add(render(condition, observedGeneration, transition));
      } else {
        result.add(existing.deepCopy());
      }
    }
    if (!found) {
      result.add(render(condition, observedGeneration, transition));
    }
    return result;
  }

  private static ObjectNode render(Condition condition, long generation, String transition) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", condition.type());
    node.put("status", condition.status() ? "True" : "False");
    node.put("reason", condition.reason());
    node.put("message", condition.message());
    node.put("observedGeneration", generation);
    node.put("lastTransitionTime", transition);
    return node;
  }

  /** The condition of {@code type} in a status's conditions, if present. */
  public static JsonNode find(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return JsonNodeFactory.instance.missingNode();
  }
}
