package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.Rewrite;
import java.util.Locale;

/**
 * What the webhook does with one image, as {@code explain} prints it: {@code
 * {"image","normalized","rewritten","rule","reason"}} ({@code rewritten} and {@code rule} null when
 * unchanged, {@code reason} says why), or {@code {"image","error"}}.
 */
public final class Explanation {
  private Explanation() {}

  public static ObjectNode of(String image, Mapping mapping) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("image", image);
    switch (mapping.rewrite(image)) {
      case Rewrite.Rewritten r -> {
        out.put("normalized", r.original().normalized());
        out.put("rewritten", r.image());
        out.put("rule", r.rule());
        out.put("reason", "rewritten");
      }
      case Rewrite.Unchanged u -> {
        out.put("normalized", u.original().normalized());
        out.putNull("rewritten");
        out.putNull("rule");
        out.put("reason", u.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      case Rewrite.Invalid invalid -> out.put("error", invalid.error());
    }
    return out;
  }
}
