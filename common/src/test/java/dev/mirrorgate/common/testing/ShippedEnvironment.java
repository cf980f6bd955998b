package dev.mirrorgate.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a shipped manifest gives its (first) container — JAVA_TOOL_OPTIONS,
 * MALLOC_ARENA_MAX, ... — so that tests and benchmarks run a jar exactly as it ships.
 */
public final class ShippedEnvironment {
  private ShippedEnvironment() {}

  /** The literal {@code env} values of the first container of the workload in {@code manifest}. */
  public static Map<String, String> of(Path manifest) throws IOException {
    JsonNode workload = new YAMLMapper().readTree(Files.readString(manifest));
    JsonNode container = workload.at("/spec/template/spec/containers/0");
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText().strip());
      }
    }
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      throw new IllegalStateException(manifest + ": the container sets no JAVA_TOOL_OPTIONS");
    }
    return env;
  }
}
