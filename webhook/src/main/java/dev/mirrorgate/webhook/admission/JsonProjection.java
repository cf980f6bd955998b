package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Reads only the selected fields of a JSON document into a tree. Unselected values are still
 * tokenized (so malformed JSON anywhere is still an error) but never built. Arrays keep every
 * element, in place, with the selection applied to each, so JSON Pointers into the projection
 * address the same values in the full document.
 */
final class JsonProjection {
  /** Keeps the whole value. */
  static final JsonProjection ALL = new JsonProjection(null);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, JsonProjection> fields;

  private JsonProjection(Map<String, JsonProjection> fields) {
    this.fields = fields;
  }

  /** Keeps, from an object, only the named fields, each projected by its own selection. */
  static JsonProjection fields(Map<String, JsonProjection> fields) {
    return new JsonProjection(new java.util.HashMap<>(fields));
  }

  /** Keeps, from an object, only the named fields, whole. */
  static JsonProjection fields(String... names) {
    java.util.HashMap<String, JsonProjection> map = new java.util.HashMap<>();
    for (String name : names) {
      map.put(name, ALL);
    }
    return new JsonProjection(map);
  }

  /** Reads the value at the parser's current token. */
  JsonNode read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(read(parser));
      }
      return array;
    }
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = NODES.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        JsonProjection child = fields == null ? ALL : fields.get(name);
        if (child == null) {
          parser.skipChildren();
        } else {
          object.set(name, child.read(parser));
        }
      }
      return object;
    }
    return scalar(parser, token);
  }

  private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NUMBER_INT -> NODES.numberNode(parser.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
      default -> NODES.nullNode();
    };
  }
}
