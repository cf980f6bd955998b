package dev.mirrorgate.webhook.ui.data;

import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.common.mapping.MappingParser;
import dev.mirrorgate.common.mapping.Rewrite;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user rules of ConfigMap {@value #CONFIG_MAP} (mapping.yaml or ImageSwap's {@code maps}), read
 * with the parser the webhook uses, and what they do with an image. A bad document keeps the last
 * good rules and its errors are shown. (The {@code rewrite: true} entries the webhook adds from
 * {@code mirrorgate-mirrors} are not part of this explanation.)
 */
public final class MappingExplainer {
  public static final String CONFIG_MAP = "mirrorgate-mapping";
  private static final Logger log = LoggerFactory.getLogger(MappingExplainer.class);

  /** The rules in use, where they came from, and the errors of the latest document, if any. */
  public record State(Mapping mapping, String origin, List<String> errors) {}

  private volatile State state =
      new State(Mapping.empty(), "no ConfigMap " + CONFIG_MAP, List.of());

  /** Takes the ConfigMap as it is now ({@code empty}: deleted or never created). */
  public void configMapChanged(Optional<KubeObject> configMap) {
    if (configMap.isEmpty()) {
      state = new State(Mapping.empty(), "no ConfigMap " + CONFIG_MAP, List.of());
      return;
    }
    KubeObject cm = configMap.get();
    String origin = "ConfigMap " + cm.key();
    Map<String, String> data = new LinkedHashMap<>();
    cm.node().path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    try {
      state = new State(MappingParser.fromConfigMapData(origin, data), origin, List.of());
    } catch (MappingException e) {
      log.warn("{} is invalid, explaining with the last good rules: {}", origin, e.errors());
      state = new State(state.mapping(), state.origin(), e.errors());
    }
  }

  public State state() {
    return state;
  }

  /** What the rules do with {@code image}. */
  public Explanation explain(String image) {
    return switch (state.mapping().rewrite(image)) {
      case Rewrite.Rewritten r ->
          new Explanation(image, r.original().normalized(), r.image(), r.rule(), "rewritten", null);
      case Rewrite.Unchanged u ->
          new Explanation(
              image,
              u.original().normalized(),
              null,
              null,
              u.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'),
              null);
      case Rewrite.Invalid invalid ->
          new Explanation(image, null, null, null, null, invalid.error());
    };
  }
}
