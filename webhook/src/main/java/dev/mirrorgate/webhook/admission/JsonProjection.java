package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads only the selected fields of a JSON document into a tree. Unselected values are still
 * checked byte by byte (so malformed JSON anywhere is still an error) but never built. Arrays keep
 * every element, in place, with the selection applied to each, so JSON Pointers into the projection
 * address the same values in the full document.
 */
final class JsonProjection {
  /** Keeps the whole value. */
  static final JsonProjection ALL = new JsonProjection(null);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * The selected names (null: all), as text and as the bytes they are compared to, and their
   * selections.
   */
  private final String[] names;

  private final byte[][] nameBytes;
  private final JsonProjection[] children;
  private final int longestName;

  private JsonProjection(Map<String, JsonProjection> fields) {
    if (fields == null) {
      names = null;
      nameBytes = null;
      children = null;
      longestName = 0;
      return;
    }
    names = fields.keySet().toArray(String[]::new);
    nameBytes = new byte[names.length][];
    children = new JsonProjection[names.length];
    int longest = 0;
    for (int i = 0; i < names.length; i++) {
      nameBytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
      children[i] = fields.get(names[i]);
      longest = Math.max(longest, names[i].length());
    }
    longestName = longest;
  }

  /** Keeps, from an object, only the named fields, each projected by its own selection. */
  static JsonProjection fields(Map<String, JsonProjection> fields) {
    return new JsonProjection(new LinkedHashMap<>(fields));
  }

  /** Keeps, from an object, only the named fields, whole. */
  static JsonProjection fields(String... names) {
    Map<String, JsonProjection> map = new LinkedHashMap<>();
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

    int remaining() {
      return (int) Math.max(0, Math.min(Integer.MAX_VALUE, chars));
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
   * Reads the value at the input's position, building at most {@code budget} characters of text
   * (field names and strings). Recursion is bounded by the input's depth limit.
   */
  JsonNode read(JsonInput input, Budget budget) throws IOException {
    switch (input.peek()) {
      case '[' -> {
        ArrayNode array = NODES.arrayNode();
        if (!input.beginArray()) {
          do {
            array.add(read(input, budget));
          } while (input.more());
        }
        return array;
      }
      case '{' -> {
        ObjectNode object = NODES.objectNode();
        if (!input.beginObject()) {
          do {
            member(input, budget, object);
          } while (input.more());
        }
        return object;
      }
      case '"' -> {
        return NODES.textNode(text(input.readString(budget.remaining()), budget));
      }
      default -> {
        return scalar(input.readScalar());
      }
    }
  }

  private void member(JsonInput input, Budget budget, ObjectNode object) throws IOException {
    if (names == null) {
      String name = text(input.readName(budget.remaining()), budget);
      object.set(name, read(input, budget));
      return;
    }
    int index = input.matchName(nameBytes, longestName);
    if (index < 0) {
      input.skipValue();
      return;
    }
    budget.spend(names[index].length());
    object.set(names[index], children[index].read(input, budget));
  }

  /** Text the input built within the budget's remainder (null: it would not fit), spent. */
  private static String text(String text, Budget budget) throws OverBudgetException {
    if (text == null) {
      throw new OverBudgetException();
    }
    budget.spend(text.length());
    return text;
  }

  private static JsonNode scalar(Object value) {
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (value instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    return NODES.nullNode();
  }
}
