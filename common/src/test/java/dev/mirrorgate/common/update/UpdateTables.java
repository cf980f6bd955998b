package dev.mirrorgate.common.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the golden tables under {@code update/} and expands their shorthands. */
final class UpdateTables {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SHORT_DIGEST = Pattern.compile("@([0-9a-f]{1,4})$");

  private UpdateTables() {}

  static List<JsonNode> rows(String resource) {
    try (InputStream in = UpdateTables.class.getResourceAsStream("/update/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource update/" + resource);
      }
      JsonNode root = YAML.readTree(in);
      List<JsonNode> rows = new ArrayList<>();
      root.forEach(rows::add);
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code @a} → {@code @sha256:aaaa…} (64 hex); longer forms are kept. */
  static String expandDigest(String ref) {
    Matcher m = SHORT_DIGEST.matcher(ref);
    if (!m.find()) {
      return ref;
    }
    String hex = m.group(1).repeat(64 / m.group(1).length() + 1).substring(0, 64);
    return ref.substring(0, m.start()) + "@sha256:" + hex;
  }

  /** A scalar that must be a string: YAML reads {@code 1.10} as the number 1.1. */
  static String text(JsonNode row, JsonNode value, String field) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException(
          "row " + row + ": " + field + " must be a quoted string, found " + value);
    }
    return value.asText();
  }

  /** A Deployment with one container {@code app} running {@code image}. */
  static ObjectNode deployment(JsonNode annotations, JsonNode labels, String image) {
    ObjectNode d = YAML.createObjectNode();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    ObjectNode metadata = d.putObject("metadata");
    metadata.put("name", "shop").put("namespace", "default");
    if (annotations != null && !annotations.isMissingNode()) {
      metadata.set("annotations", annotations);
    }
    if (labels != null && !labels.isMissingNode()) {
      metadata.set("labels", labels);
    }
    ObjectNode container =
        d.putObject("spec")
            .putObject("template")
            .putObject("spec")
            .putArray("containers")
            .addObject();
    container.put("name", "app").put("image", image);
    return d;
  }

  /** Pushed or listed entries: a tag (maybe {@code @a}) of {@code repository}, or a full ref. */
  static List<ImageReference> images(JsonNode row, JsonNode list, String repository)
      throws Exception {
    List<ImageReference> out = new ArrayList<>();
    for (JsonNode n : list) {
      String entry = text(row, n, "an image");
      String ref = entry.contains("/") ? entry : repository + ":" + entry;
      out.add(ImageReference.parse(expandDigest(ref)));
    }
    return out;
  }
}
