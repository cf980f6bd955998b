package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds an RFC 6902 JSON Patch. */
public final class JsonPatch {
  private final ArrayNode operations = JsonNodeFactory.instance.arrayNode();

  /** Adds an {@code add} operation (which also replaces an existing object member). */
  public JsonPatch add(String pointer, JsonNode value) {
    operations.add(operation("add", pointer).set("value", value));
    return this;
  }

  /** Adds a {@code replace} operation for a member that must already exist. */
  public JsonPatch replace(String pointer, String value) {
    operations.add(operation("replace", pointer).put("value", value));
    return this;
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  public ArrayNode toJson() {
    return operations;
  }

  /**
   * Escapes one reference token of a JSON Pointer ({@code ~} as {@code ~0}, {@code /} as {@code
   * ~1}).
   */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private ObjectNode operation(String op, String pointer) {
    ObjectNode node = operations.objectNode();
    node.put("op", op);
    node.put("path", pointer);
    return node;
  }
}
