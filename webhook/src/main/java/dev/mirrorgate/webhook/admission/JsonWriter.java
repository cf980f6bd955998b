package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the small trees admission answers with (the JSON Patch, the original-images annotation) as
 * compact UTF-8 JSON, directly: through an {@code ObjectMapper} every answer paid for a serializer
 * provider and a generator, about a tenth of the webhook's CPU under load. Strings are escaped as
 * RFC 8259 requires (quote, backslash, control characters; a lone surrogate as a six-character
 * escape); everything else is written as it is.
 */
public final class JsonWriter {
  /** For each ASCII character: 0 written as it is, else the letter of its short escape or 'u'. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
    ESCAPES['\t'] = 't';
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] out;
  private int size;

  /**
   * Where a segment's characters are copied before they are encoded (a loop over a {@code char[]}
   * runs several times faster than one over {@code String.charAt}); made on the first string. The
   * writer's own: a ThreadLocal looked up per string was 3 % of the event loop's samples.
   */
  private char[] chars;

  private JsonWriter(int capacity) {
    out = new byte[capacity];
  }

  /**
   * An empty writer, for text written piece by piece ({@link #ascii}, {@link #string}, {@link
   * #number}); {@link #toBytes} gives what was written.
   */
  public static JsonWriter growing(int capacity) {
    return new JsonWriter(capacity);
  }

  /** Appends {@code text}, which must be ASCII and need no escaping, as it is. */
  @SuppressWarnings("deprecation") // the low byte of each char is exactly what ASCII needs
  public JsonWriter ascii(String text) {
    int length = text.length();
    room(length);
    text.getBytes(0, length, out, size); // an array copy for a Latin-1 string, not a char loop
    size += length;
    return this;
  }

  /** Appends one ASCII character. */
  public JsonWriter ascii(char c) {
    room(1);
    out[size++] = (byte) c;
    return this;
  }

  /** Appends {@code text} as a JSON string, or {@code null}. */
  public JsonWriter string(String text) {
    if (text == null) {
      return ascii("null");
    }
    quoted(text);
    return this;
  }

  /** Appends a decimal number. */
  public JsonWriter number(long value) {
    return ascii(Long.toString(value));
  }

  /** What was written, as UTF-8. */
  public byte[] toBytes() {
    return Arrays.copyOf(out, size);
  }

  /** The tree as compact JSON in UTF-8. */
  public static byte[] bytes(JsonNode node) {
    JsonWriter writer = new JsonWriter(1024);
    writer.write(node);
    return writer.toBytes();
  }

  /** The tree as compact JSON text. */
  public static String text(JsonNode node) {
    JsonWriter writer = new JsonWriter(256);
    writer.write(node);
    return new String(writer.out, 0, writer.size, StandardCharsets.UTF_8);
  }

  private void write(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        room(1);
        out[size++] = '{';
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : node.properties()) {
          if (!first) {
            room(1);
            out[size++] = ',';
          }
          first = false;
          quoted(member.getKey());
          room(1);
          out[size++] = ':';
          write(member.getValue());
        }
        room(1);
        out[size++] = '}';
      }
      case ARRAY -> {
        room(1);
        out[size++] = '[';
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            room(1);
            out[size++] = ',';
          }
          write(node.get(i));
        }
        room(1);
        out[size++] = ']';
      }
      case STRING -> quoted(node.textValue());
      case BOOLEAN -> ascii(node.booleanValue() ? "true" : "false");
      case NUMBER -> ascii(node.asText());
      case NULL, MISSING -> ascii("null");
      default ->
          throw new IllegalArgumentException(
              "a " + node.getNodeType() + " node has no JSON form here");
    }
  }

  private void quoted(String text) {
    room(1);
    out[size++] = '"';
    int length = text.length();
    char[] chars = this.chars;
    if (chars == null) {
      chars = new char[SEGMENT_CHARS + 1];
      this.chars = chars;
    }
    for (int from = 0; from < length; ) {
      int to = Math.min(length, from + SEGMENT_CHARS);
      if (to < length && Character.isHighSurrogate(text.charAt(to - 1))) {
        to++; // keep a surrogate pair in one segment
      }
      room((to - from) * 6);
      text.getChars(from, to, chars, 0);
      size = segment(chars, to - from, out, size);
      from = to;
    }
    room(1);
    out[size++] = '"';
  }

  /**
   * Characters encoded at a time. Each segment first makes room for its longest form (six bytes a
   * character), so a short one keeps the buffer growing with what is written, not with that bound
   * (with 512, that growth was an eighth of the event loop's allocation).
   */
  private static final int SEGMENT_CHARS = 96;

  private static int segment(char[] chars, int count, byte[] b, int n) {
    for (int i = 0; i < count; i++) {
      char c = chars[i];
      if (c < 0x80) {
        byte escape = ESCAPES[c];
        if (escape == 0) {
          b[n++] = (byte) c;
        } else if (escape != 'u') {
          b[n++] = '\\';
          b[n++] = escape;
        } else {
          n = unicodeEscape(b, n, c);
        }
      } else if (c < 0x800) {
        b[n++] = (byte) (0xC0 | c >> 6);
        b[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < count
          && Character.isLowSurrogate(chars[i + 1])) {
        int code = Character.toCodePoint(c, chars[++i]);
        b[n++] = (byte) (0xF0 | code >> 18);
        b[n++] = (byte) (0x80 | (code >> 12 & 0x3F));
        b[n++] = (byte) (0x80 | (code >> 6 & 0x3F));
        b[n++] = (byte) (0x80 | (code & 0x3F));
      } else if (Character.isSurrogate(c)) {
        n = unicodeEscape(b, n, c); // a lone surrogate has no UTF-8 form
      } else {
        b[n++] = (byte) (0xE0 | c >> 12);
        b[n++] = (byte) (0x80 | (c >> 6 & 0x3F));
        b[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return n;
  }

  private static int unicodeEscape(byte[] b, int n, char c) {
    b[n++] = '\\';
    b[n++] = 'u';
    b[n++] = HEX[c >> 12 & 0xF];
    b[n++] = HEX[c >> 8 & 0xF];
    b[n++] = HEX[c >> 4 & 0xF];
    b[n++] = HEX[c & 0xF];
    return n;
  }

  private void room(int bytes) {
    if (size + bytes > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + bytes));
    }
  }
}
