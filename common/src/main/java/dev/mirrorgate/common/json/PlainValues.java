package dev.mirrorgate.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON or YAML value from a Jackson streaming parser into plain values (Map, List,
 * String, Boolean, Number, null), and looks values up by path. The node agent reads documents and
 * API objects this way instead of through jackson-databind or client-java's generated models, to
 * keep its memory footprint small.
 */
public final class PlainValues {
  private PlainValues() {}

  /** The value starting at the parser's current token {@code t}. */
  public static Object read(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          map.put(name, read(p, p.nextToken()));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(read(p, e));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_NULL -> null;
      default -> p.getText(); // e.g. a YAML value with an explicit tag: its text
    };
  }

  /** The value at {@code path} of nested maps, or null. */
  public static Object at(Object root, String... path) {
    Object v = root;
    for (String key : path) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = m.get(key);
    }
    return v;
  }

  /** The string at {@code path}, or null when absent or not a string. */
  public static String string(Object root, String... path) {
    return at(root, path) instanceof String s ? s : null;
  }
}
