package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.json.PlainValues;
import java.io.IOException;

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
      return t == null ? EMPTY : PlainValues.read(p, t);
    }
  }
}
