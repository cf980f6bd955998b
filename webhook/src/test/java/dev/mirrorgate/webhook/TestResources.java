package dev.mirrorgate.webhook;

import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.common.mapping.MappingParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads files from the test classpath. */
public final class TestResources {
  private TestResources() {}

  public static String text(String name) {
    try (InputStream in = TestResources.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path path(String name) {
    try {
      return Path.of(TestResources.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The mapping the mutation cases are written against. */
  public static Mapping testMapping() {
    try {
      return MappingParser.parseYaml("mapping.yaml", text("mutation/mapping.yaml"));
    } catch (MappingException e) {
      throw new IllegalStateException(e);
    }
  }
}
