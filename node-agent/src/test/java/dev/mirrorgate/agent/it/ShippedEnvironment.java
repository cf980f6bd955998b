package dev.mirrorgate.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment the DaemonSet gives the agent's container ({@code JAVA_TOOL_OPTIONS}, {@code
 * MALLOC_ARENA_MAX}), read from the manifest, so that the ITs measure the agent with exactly the
 * JVM flags it ships with.
 */
final class ShippedEnvironment {

  static final Path DAEMONSET = Path.of("../manifests/kustomize/node-agent/daemonset.yaml");

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
}
