package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into plain values (Map, List, String, Boolean, Number, null) with Jackson's streaming
 * YAML parser. Streaming keeps jackson-databind out of the node agent, whose memory budget is
 * small.
 */
final class YamlTree {

  /** Marks a document with no content at all. */
  static final Object EMPTY = new Object();

  private static final YAMLFactory YAML = new YAMLFactory();

  private YamlTree() {}

  static Object read(String text) throws IOException {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      return t == null ? EMPTY : value(p, t);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          map.put(name, value(p, p.nextToken()));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(value(p, e));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_NULL -> null;
      default -> p.getText();
    };
  }
}
