package dev.mirrorgate.webhook.owned;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden files under {@code src/test/resources/golden}: a case's input ({@code <case>.cr.yaml}) and
 * its expected output ({@code <case>.yaml}, every rendered document), compared as whole YAML
 * documents (trees, so formatting does not matter but every field does).
 *
 * <p>Regenerate after an intended change, then review the diff:
 *
 * <pre>
 * ./mvnw -B -ntp -q test -pl webhook -am -Dtest='*GoldenTest' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true
 * </pre>
 */
public final class GoldenFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = Path.of("src", "test", "resources", "golden");

  private GoldenFiles() {}

  /** The inputs ({@code *.cr.yaml}) of one directory, e.g. {@code mirror}. */
  public static Stream<Path> cases(String directory) throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve(directory))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".cr.yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  public static JsonNode read(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  /** A YAML text as a tree (a rendered file shown as a document). */
  public static JsonNode readYaml(String text) throws IOException {
    return YAML.readTree(text);
  }

  /** Compares {@code documents} with the case's golden file, or writes it with -Dgolden.update. */
  public static void assertMatches(Path input, List<? extends JsonNode> documents)
      throws IOException {
    String name = input.getFileName().toString().replace(".cr.yaml", ".yaml");
    Path golden = input.resolveSibling(name);
    StringBuilder text = new StringBuilder();
    text.append("# Rendered from ")
        .append(input.getFileName())
        .append(" by ")
        .append(input.getParent().getFileName())
        .append("'s GoldenTest; regenerate with -Dgolden.update=true (see GoldenFiles).\n");
    for (JsonNode document : documents) {
      text.append("---\n").append(YamlText.write(document));
    }
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, text.toString());
      return;
    }
    assertThat(golden).as("golden file (generate with -Dgolden.update=true)").exists();
    List<JsonNode> expected = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(golden.toFile())) {
      while (docs.hasNext()) {
        expected.add(docs.next());
      }
    }
    assertThat(List.<JsonNode>copyOf(documents))
        .as("%s differs; rendered now:%n%s", golden, text)
        .isEqualTo(expected);
  }
}
