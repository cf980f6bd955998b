package dev.mirrorgate.agent.write;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * {@link ManagedState} as JSON, with Jackson's streaming API (no databind in the agent), written to
 * and read from a stream: the state of thousands of files is never a byte array.
 */
final class StateCodec {

  private static final JsonFactory JSON = new JsonFactory();

  private StateCodec() {}

  /** Writes a state; the lists are taken as they iterate (sorted, without duplicates). */
  static void write(
      Iterable<String> files,
      Iterable<String> directories,
      Iterable<String> backups,
      boolean hostsAddedNewline,
      boolean cleaning,
      OutputStream out)
      throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      array(g, "files", files);
      array(g, "directories", directories);
      array(g, "backups", backups);
      g.writeBooleanField("hostsAddedNewline", hostsAddedNewline);
      g.writeBooleanField("cleaning", cleaning);
      g.writeEndObject();
    }
  }

  static void write(ManagedState s, OutputStream out) throws IOException {
    write(s.files(), s.directories(), s.backups(), s.hostsAddedNewline(), s.cleaning(), out);
  }

  private static void array(JsonGenerator g, String name, Iterable<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /**
   * Reads a state; unknown fields are skipped so that newer agents' state stays readable. Each path
   * read goes through {@code canonical}, which may give an equal string already in memory.
   */
  static ManagedState read(InputStream json, UnaryOperator<String> canonical) throws IOException {
    Set<String> files = new TreeSet<>();
    Set<String> dirs = new TreeSet<>();
    Set<String> backups = new TreeSet<>();
    boolean newline = false;
    boolean cleaning = false;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("state is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "files" -> strings(p, name, files, canonical);
          case "directories" -> strings(p, name, dirs, UnaryOperator.identity());
          case "backups" -> strings(p, name, backups, canonical);
          case "hostsAddedNewline" -> newline = t == JsonToken.VALUE_TRUE;
          case "cleaning" -> cleaning = t == JsonToken.VALUE_TRUE;
          default -> p.skipChildren();
        }
      }
    }
    return new ManagedState(files, dirs, backups, newline, cleaning);
  }

  private static void strings(
      JsonParser p, String name, Set<String> into, UnaryOperator<String> canonical)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException(name + ": expected a list of paths");
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new IOException(name + ": expected a list of paths, found " + t);
      }
      into.add(canonical.apply(p.getText()));
    }
  }
}
