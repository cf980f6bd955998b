package dev.mirrorgate.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a Kustomize base the way `kubectl apply -k` sees its resources (no patches yet). */
final class Manifests {
  static final Path BASE = Path.of("kustomize", "base");
  static final Path NODE_AGENT = Path.of("kustomize", "node-agent");
  static final Path CRDS = Path.of("kustomize", "crds");
  static final Path CONTROLLER = Path.of("kustomize", "controller");

  /** Every Kustomize directory the project ships (the `default` one only lists these). */
  static final List<Path> DIRECTORIES = List.of(BASE, NODE_AGENT, CRDS, CONTROLLER);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One object of a manifest file. */
  record Manifest(Path file, JsonNode object) {
    String kind() {
      return object.path("kind").asText();
    }

    String name() {
      return object.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + ": " + kind() + "/" + name();
    }
  }

  private Manifests() {}

  /** The files a kustomization.yaml lists under {@code resources}, in order. */
  static List<Path> resources(Path base) throws IOException {
    JsonNode kustomization = YAML.readTree(base.resolve("kustomization.yaml").toFile());
    List<Path> files = new ArrayList<>();
    kustomization.path("resources").forEach(r -> files.add(base.resolve(r.asText())));
    return files;
  }

  /** Every object of every resource file of {@code base}. */
  static List<Manifest> objects(Path base) throws IOException {
    List<Manifest> objects = new ArrayList<>();
    for (Path file : resources(base)) {
      try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            objects.add(new Manifest(file, doc));
          }
        }
      }
    }
    return objects;
  }

  static Manifest only(List<Manifest> objects, String kind) {
    List<Manifest> matching = objects.stream().filter(m -> m.kind().equals(kind)).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + matching);
    }
    return matching.get(0);
  }

  /** The value of environment variable {@code name} of a container. */
  static String env(JsonNode container, String name) {
    for (JsonNode variable : container.path("env")) {
      if (variable.path("name").asText().equals(name)) {
        return variable.path("value").asText();
      }
    }
    throw new AssertionError("no env " + name + " in container " + container.path("name"));
  }

  static List<Path> yamlFiles(Path base) throws IOException {
    try (var files = Files.list(base)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }
}
