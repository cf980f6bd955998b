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

  /** How much text a projection may still build; the reader's defence against huge metadata. */
  static final class Budget {
    private long chars;

    Budget(long chars) {
      this.chars = chars;
    }

    void spend(int length) throws OverBudgetException {
      chars -= length;
      if (chars < 0) {
        throw new OverBudgetException();
      }
    }
  }

  /** The projection would build more text than its {@link Budget}. */
  static final class OverBudgetException extends IOException {
    OverBudgetException() {
      super("projection over budget", null);
    }
  }

  /**
   * Reads the value at the parser's current token, building at most {@code budget} characters of
   * text (field names and strings). Recursion depth is the document's nesting, which the parser's
   * constraints bound.
   */
  JsonNode read(JsonParser parser, Budget budget) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(read(parser, budget));
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
          budget.spend(name.length());
          object.set(name, child.read(parser, budget));
        }
      }
      return object;
    }
    if (token == JsonToken.VALUE_STRING) {
      budget.spend(parser.getTextLength());
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
