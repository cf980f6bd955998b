package dev.mirrorgate.agent.write;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/** {@link ManagedState} as JSON, with Jackson's streaming API (no databind in the agent). */
final class StateCodec {

  private static final JsonFactory JSON = new JsonFactory();

  private StateCodec() {}

  static byte[] write(ManagedState s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      array(g, "files", s.files());
      array(g, "directories", s.directories());
      array(g, "backups", s.backups());
      g.writeBooleanField("hostsAddedNewline", s.hostsAddedNewline());
      g.writeBooleanField("cleaning", s.cleaning());
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void array(JsonGenerator g, String name, Set<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** Reads a state; unknown fields are skipped so that newer agents' state stays readable. */
  static ManagedState read(byte[] json) throws IOException {
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
          case "files" -> strings(p, files);
          case "directories" -> strings(p, dirs);
          case "backups" -> strings(p, backups);
          case "hostsAddedNewline" -> newline = t == JsonToken.VALUE_TRUE;
          case "cleaning" -> cleaning = t == JsonToken.VALUE_TRUE;
          default -> p.skipChildren();
        }
      }
    }
    return new ManagedState(files, dirs, backups, newline, cleaning);
  }

  private static void strings(JsonParser p, Set<String> into) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException("expected a list at " + p.currentName());
    }
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      into.add(p.getText());
    }
  }
}
