package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Writes a {@link MirrorsDocument} as the {@code mirrors.yaml} text of ConfigMap {@code
 * mirrorgate-mirrors}: the mirrors sorted by name, the keys in the order the contract lists them,
 * {@code masquerade} and {@code address} only when set, {@code caBundle} as a literal block. The
 * same document always gives the same bytes, so the ConfigMap is only rewritten when a mirror
 * changes, and {@link MirrorsDocumentParser} reads the text back into an equal document.
 */
public final class MirrorsDocumentRenderer {

  private static final YAMLFactory YAML =
      YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .stringQuotingChecker(new ResolverQuoting())
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  private static final Comparator<Mirror> BY_NAME = Comparator.comparing(Mirror::name);

  private MirrorsDocumentRenderer() {}

  /** The document as YAML text; an empty document is {@code mirrors: []}. */
  public static String render(MirrorsDocument document) {
    List<Mirror> mirrors = document.mirrors().stream().sorted(BY_NAME).toList();
    StringWriter out = new StringWriter();
    try (JsonGenerator g = YAML.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("mirrors");
      for (Mirror mirror : mirrors) {
        write(g, mirror);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write mirrors.yaml", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Mirror mirror) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", mirror.name());
    g.writeStringField("upstream", mirror.upstream());
    g.writeStringField("endpoint", mirror.endpoint().toString());
    if (mirror.masquerade().isPresent()) {
      g.writeStringField("masquerade", mirror.masquerade().get());
    }
    if (mirror.address().isPresent()) {
      g.writeStringField("address", mirror.address().get());
    }
    g.writeBooleanField("rewrite", mirror.rewrite());
    if (!mirror.caBundle().isEmpty()) {
      g.writeStringField("caBundle", mirror.caBundle());
    }
    g.writeEndObject();
  }

  /**
   * Quotes every value that a YAML reader would not take as a string when unquoted ({@code 1},
   * {@code 0x10}, {@code yes}, {@code ~}, {@code 10:30}): Jackson's YAML parser types plain scalars
   * with this same SnakeYAML resolver.
   */
  private static final class ResolverQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;
    private static final Resolver RESOLVER = new Resolver();

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value)
          || !Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, value, true));
    }
  }
}
