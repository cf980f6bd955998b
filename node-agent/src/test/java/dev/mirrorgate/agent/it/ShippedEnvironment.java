package dev.mirrorgate.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the manifests give the agent, read from them so that the ITs run it with exactly that: the
 * DaemonSet container's environment ({@code JAVA_TOOL_OPTIONS}, {@code MALLOC_ARENA_MAX}) and the
 * rules of its Role.
 */
final class ShippedEnvironment {

  static final Path DAEMONSET = Path.of("../manifests/kustomize/node-agent/daemonset.yaml");
  static final Path RBAC = Path.of("../manifests/kustomize/node-agent/rbac.yaml");

  private ShippedEnvironment() {}

  static Map<String, String> agent() throws IOException {
    JsonNode daemonSet = new YAMLMapper().readTree(Files.readString(DAEMONSET));
    JsonNode container = daemonSet.at("/spec/template/spec/containers/0");
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText().strip());
      }
    }
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      throw new IllegalStateException(
          DAEMONSET + ": the agent container sets no JAVA_TOOL_OPTIONS");
    }
    return env;
  }

  /** The rules of the agent's Role in {@code rbac.yaml}. */
  static List<V1PolicyRule> roleRules() throws IOException {
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(RBAC))) {
      for (JsonNode doc : docs.readAll()) {
        if ("Role".equals(doc.path("kind").asText())) {
          List<V1PolicyRule> rules = new ArrayList<>();
          for (JsonNode rule : doc.path("rules")) {
            rules.add(
                new V1PolicyRule()
                    .apiGroups(strings(rule.path("apiGroups")))
                    .resources(strings(rule.path("resources")))
                    .resourceNames(
                        rule.has("resourceNames") ? strings(rule.path("resourceNames")) : null)
                    .verbs(strings(rule.path("verbs"))));
          }
          return rules;
        }
      }
    }
    throw new IllegalStateException(RBAC + ": no Role");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
