package dev.mirrorgate.webhook.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.mirrorgate.webhook.mutation.ImageRewrite;
import java.util.List;

/**
 * Renders the rewrites of one decision as a JSON array for the decision's log line, directly: the
 * log encoder would otherwise serialize each record reflectively on the hot path.
 */
final class RewritesJson {
  private RewritesJson() {}

  static String of(List<ImageRewrite> rewrites) {
    if (rewrites.isEmpty()) {
      return "[]";
    }
    StringBuilder json = new StringBuilder(128 * rewrites.size()).append('[');
    for (ImageRewrite r : rewrites) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('{');
      field(json, "container", r.container()).append(',');
      field(json, "from", r.from()).append(',');
      field(json, "to", r.to()).append(',');
      field(json, "rule", r.rule());
      json.append('}');
    }
    return json.append(']').toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    json.append('"').append(name).append("\":\"");
    if (needsEscaping(value)) {
      JsonStringEncoder.getInstance().quoteAsString(value, json);
    } else {
      json.append(value);
    }
    return json.append('"');
  }

  private static boolean needsEscaping(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        return true;
      }
    }
    return false;
  }
}
