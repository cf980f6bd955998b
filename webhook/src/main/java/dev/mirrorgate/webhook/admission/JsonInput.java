package dev.mirrorgate.webhook.admission;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one JSON document, read for a {@link JsonProjection}: every byte is checked against
 * the grammar (RFC 8259: structure, strings and their escapes, UTF-8 sequences, numbers, literals)
 * and the nesting depth, but only what the projection selects is ever decoded. A skipped value is
 * passed over byte by byte, without tokens, names or strings being built: that is most of a Pod
 * review, and why this is not Jackson's tokenizer (which canonicalizes every field name it meets).
 *
 * <p>Reads an array in place, or a stream through a window of 8 KiB. Skipping is iterative, so the
 * Java stack never grows with the document's nesting; only the projection's own levels recurse.
 */
final class JsonInput {
  private static final int WINDOW = 8 * 1024;

  /** The longest number materialized (Jackson's default too): a longer one is an error. */
  static final int MAX_NUMBER_CHARS = 1000;

  /** Bytes a string may hold as they are: printable ASCII other than the quote and backslash. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Whether any of eight bytes is not {@link #PLAIN}: a quote, a backslash, below 0x20 or from 0x80
   * (the classic zero-byte test, per byte; it can flag a byte above a true one, never miss the
   * first).
   */
  static boolean needsALook(long word) {
    long quote = word ^ 0x2222222222222222L;
    long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
    long flags =
        ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash)
            | ((word - 0x2020202020202020L) & ~word)
            | word;
    return (flags & HIGHS) != 0;
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private final InputStream in;
  private final int maxDepth;

  /** Whether the container open at each depth is an object (else an array). */
  private final boolean[] objectAt;

  private byte[] buf;
  private int pos;
  private int end;

  /** Offset in the document of {@code buf[0]}, minus nothing: a document offset is base + pos. */
  private long base;

  private int line = 1;
  private long lineStart;
  private int depth;

  private JsonInput(InputStream in, byte[] buf, int pos, int end, long base, int maxDepth) {
    this.in = in;
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.maxDepth = maxDepth;
    this.objectAt = new boolean[maxDepth + 1];
  }

  /** The document held in {@code length} bytes of {@code bytes} from {@code offset}, in place. */
  static JsonInput of(byte[] bytes, int offset, int length, int maxDepth) {
    JsonInput input = new JsonInput(null, bytes, offset, offset + length, -(long) offset, maxDepth);
    input.skipByteOrderMark();
    return input;
  }

  /** The document read from {@code in}, a window at a time. */
  static JsonInput of(InputStream in, int maxDepth) throws IOException {
    JsonInput input = new JsonInput(in, new byte[WINDOW], 0, 0, 0, maxDepth);
    input.skipByteOrderMark();
    return input;
  }

  /** The document is not JSON; says what and where. */
  static final class MalformedException extends IOException {
    private final int line;
    private final long column;
    private final String reason;

    MalformedException(int line, long column, String reason) {
      super("line " + line + ", column " + column + ": " + reason, null);
      this.line = line;
      this.column = column;
      this.reason = reason;
    }

    int line() {
      return line;
    }

    long column() {
      return column;
    }

    String reason() {
      return reason;
    }
  }

  /** The document nests deeper than the reader's limit. */
  static final class TooDeepException extends IOException {
    TooDeepException() {
      super("too deep", null);
    }
  }

  // ---- positions and errors ----

  /** An error at the current position: the byte about to be read, or the end. */
  private MalformedException malformed(String reason) {
    return new MalformedException(line, base + pos - lineStart + 1, reason);
  }

  /** An error at the byte just consumed. */
  private MalformedException malformedBefore(String reason) {
    return new MalformedException(line, base + pos - lineStart, reason);
  }

  private MalformedException unexpected(int c, String expected) {
    if (c < 0) {
      return malformed("unexpected end of input: expected " + expected);
    }
    return malformed("unexpected " + describe(c) + ": expected " + expected);
  }

  private static String describe(int c) {
    return c >= 0x21 && c < 0x7f ? "character '" + (char) c + "'" : String.format("byte 0x%02x", c);
  }

  private boolean refill() throws IOException {
    if (in == null) {
      return false;
    }
    base += end;
    pos = 0;
    end = 0;
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      return false;
    }
    end = n;
    return true;
  }

  private void skipByteOrderMark() {
    // Only an array is checked: a stream starts empty and a BOM there is not worth a lookahead.
    if (end - pos >= 3
        && buf[pos] == (byte) 0xEF
        && buf[pos + 1] == (byte) 0xBB
        && buf[pos + 2] == (byte) 0xBF) {
      pos += 3;
      lineStart = base + pos;
    }
  }

  /** The next byte as 0..255, consumed; -1 at the end. */
  private int next() throws IOException {
    if (pos == end && !refill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  /** The next byte as 0..255, not consumed; -1 at the end. */
  private int peekByte() throws IOException {
    if (pos == end && !refill()) {
      return -1;
    }
    return buf[pos] & 0xff;
  }

  /** The next byte that is not whitespace, not consumed; -1 at the end of the document. */
  int peek() throws IOException {
    if (pos < end) {
      int c = buf[pos] & 0xff;
      if (c > ' ') { // compact JSON: no whitespace to pass over
        return c;
      }
    }
    while (true) {
      while (pos < end) {
        int c = buf[pos];
        if (c == ' ' || c == '\t' || c == '\r') {
          pos++;
        } else if (c == '\n') {
          pos++;
          line++;
          lineStart = base + pos;
        } else {
          return c & 0xff;
        }
      }
      if (!refill()) {
        return -1;
      }
    }
  }

  private void expect(int wanted, String what) throws IOException {
    if (pos < end && buf[pos] == wanted) { // compact JSON: the byte is right here
      pos++;
      return;
    }
    int c = peek();
    if (c != wanted) {
      throw unexpected(c, what);
    }
    pos++;
  }

  // ---- containers ----

  private void enter(boolean object) throws TooDeepException {
    if (depth == maxDepth) {
      throw new TooDeepException();
    }
    objectAt[++depth] = object;
  }

  /** Consumes the {@code {} at the current position; true if the object is empty (and closed). */
  boolean beginObject() throws IOException {
    return open('{');
  }

  /** Consumes the {@code [} at the current position; true if the array is empty (and closed). */
  boolean beginArray() throws IOException {
    return open('[');
  }

  /** Enters the container {@code bracket} opens; true if it is empty (and closed). */
  private boolean open(int bracket) throws IOException {
    expect(bracket, bracket == '{' ? "'{'" : "'['");
    boolean object = bracket == '{';
    enter(object);
    if (peek() == (object ? '}' : ']')) {
      pos++;
      depth--;
      return true;
    }
    return false;
  }

  /**
   * After a value inside the innermost container: true if a comma follows (another member or
   * element comes), false if the container closes here (consumed).
   */
  boolean more() throws IOException {
    if (pos < end && buf[pos] == ',') { // compact JSON: the comma is right here
      pos++;
      return true;
    }
    int c = peek();
    if (c == ',') {
      pos++;
      return true;
    }
    boolean object = objectAt[depth];
    if (c == (object ? '}' : ']')) {
      pos++;
      depth--;
      return false;
    }
    throw unexpected(c, object ? "',' or '}'" : "',' or ']'");
  }

  // ---- names ----

  /**
   * Reads a member's name and its colon, and says which of {@code candidates} (UTF-8) it is (-1 for
   * none). A name is compared as it is in the bytes; only one with escapes, non-ASCII or across
   * windows is decoded first, and never beyond the longest candidate.
   */
  int matchName(byte[][] candidates, int longest) throws IOException {
    expect('"', "a field name in quotes");
    byte[] bytes = buf;
    int from = pos;
    int to = plainEnd(from);
    if (to < end && buf[to] == '"') {
      pos = to + 1;
    } else {
      String name = decodeString(longest); // null: longer than any candidate
      bytes = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
      from = 0;
      to = bytes == null ? 0 : bytes.length;
    }
    expect(':', "':' after a field name");
    for (int i = 0; bytes != null && i < candidates.length; i++) {
      byte[] candidate = candidates[i];
      if (candidate.length == to - from
          && Arrays.equals(bytes, from, to, candidate, 0, candidate.length)) {
        return i;
      }
    }
    return -1;
  }

  /** Where the run of {@link #PLAIN} bytes from {@code p} ends in the window. */
  private int plainEnd(int p) {
    byte[] b = buf;
    int e = end;
    while (p < e && PLAIN[b[p] & 0xff]) {
      p++;
    }
    return p;
  }

  /**
   * Reads a member's name and its colon, building at most {@code limit} characters; null if longer.
   */
  String readName(int limit) throws IOException {
    expect('"', "a field name in quotes");
    String name = decodeString(limit);
    expect(':', "':' after a field name");
    return name;
  }

  // ---- strings ----

  /**
   * Reads the string at the current position; null (and the string consumed) if it is longer than
   * {@code limit}.
   */
  String readString(int limit) throws IOException {
    expect('"', "a string");
    return decodeString(limit);
  }

  /**
   * Decodes the rest of a string whose opening quote was consumed, at most {@code limit}
   * characters; beyond that the rest is only checked and null is returned.
   */
  private String decodeString(int limit) throws IOException {
    int p = plainEnd(pos);
    if (p < end && buf[p] == '"') {
      int length = p - pos;
      String text =
          length > limit ? null : new String(buf, pos, length, StandardCharsets.ISO_8859_1);
      pos = p + 1;
      return text;
    }
    StringBuilder text = new StringBuilder(Math.min(limit, Math.max(16, 2 * (p - pos))));
    while (true) {
      int c = next();
      if (c < 0) {
        throw malformed("unexpected end of input in a string");
      }
      if (c == '"') {
        return text.toString();
      }
      if (c == '\\') {
        text.append(escape());
      } else if (c < 0x20) {
        throw controlCharacter(c);
      } else if (c < 0x80) {
        text.append((char) c);
      } else {
        text.appendCodePoint(utf8(c));
      }
      if (text.length() > limit) {
        skipString();
        return null;
      }
    }
  }

  /** Passes over the rest of a string whose opening quote was consumed. */
  private void skipString() throws IOException {
    while (true) {
      int p = pos;
      byte[] b = buf;
      int e = end;
      // Eight bytes at a time while none of them needs a look (most of a review is such text).
      while (p <= e - 8 && !needsALook((long) LONGS.get(b, p))) {
        p += 8;
      }
      p = plainEnd(p);
      pos = p;
      if (p == e) {
        if (!refill()) {
          throw malformed("unexpected end of input in a string");
        }
        continue;
      }
      int c = b[p] & 0xff;
      pos = p + 1;
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        escape();
      } else if (c < 0x20) {
        throw controlCharacter(c);
      } else {
        utf8(c);
      }
    }
  }

  private MalformedException controlCharacter(int c) {
    return malformedBefore(
        String.format("control character 0x%02x in a string (it must be escaped)", c));
  }

  /** The character an escape stands for; the backslash was consumed. */
  private char escape() throws IOException {
    int c = next();
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        int value = 0;
        for (int i = 0; i < 4; i++) {
          int c2 = next();
          int digit = c2 < 0 ? -1 : Character.digit(c2, 16);
          if (digit < 0) {
            throw c2 < 0
                ? malformed("unexpected end of input in a string")
                : malformedBefore("a \\u escape needs four hexadecimal digits");
          }
          value = value << 4 | digit;
        }
        return (char) value;
      default:
        throw c < 0
            ? malformed("unexpected end of input in a string")
            : malformedBefore(
                "invalid escape \\" + (c >= 0x21 && c < 0x7f ? (char) c : '?') + " in a string");
    }
  }

  /** The code point of a UTF-8 sequence whose first byte {@code lead} (≥ 0x80) was consumed. */
  private int utf8(int lead) throws IOException {
    int count;
    int value;
    int min;
    if (lead >= 0xC2 && lead <= 0xDF) {
      count = 1;
      value = lead & 0x1F;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      count = 2;
      value = lead & 0x0F;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      count = 3;
      value = lead & 0x07;
      min = 0x10000;
    } else {
      throw malformedBefore(
          String.format("invalid UTF-8: byte 0x%02x cannot start a character", lead));
    }
    for (int i = 0; i < count; i++) {
      int c = next();
      if (c < 0x80 || c > 0xBF) {
        throw c < 0
            ? malformed("unexpected end of input in a string")
            : malformedBefore("invalid UTF-8: a character's sequence is cut short");
      }
      value = value << 6 | (c & 0x3F);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      throw malformedBefore(String.format("invalid UTF-8: U+%04X cannot be encoded so", value));
    }
    return value;
  }

  // ---- scalars ----

  /** Reads a number, true, false or null at the current position. */
  Object readScalar() throws IOException {
    int c = peek();
    switch (c) {
      case 't':
        literal(TRUE);
        return Boolean.TRUE;
      case 'f':
        literal(FALSE);
        return Boolean.FALSE;
      case 'n':
        literal(NULL);
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          StringBuilder text = new StringBuilder();
          boolean integral = number(text);
          String digits = text.toString();
          try {
            return integral ? new BigInteger(digits) : new BigDecimal(digits);
          } catch (NumberFormatException | ArithmeticException e) {
            throw malformedBefore("a number out of range (its exponent)");
          }
        }
        throw unexpected(c, "a value");
    }
  }

  private void literal(byte[] word) throws IOException {
    for (byte expected : word) {
      int c = next();
      if (c != expected) {
        String reason =
            "unrecognized token: expected '" + new String(word, StandardCharsets.US_ASCII) + "'";
        throw c < 0 ? malformed(reason) : malformedBefore(reason);
      }
    }
  }

  /**
   * Checks a number at the current position (RFC 8259's grammar), appending its characters to
   * {@code text} unless null; true if it has neither fraction nor exponent.
   */
  private boolean number(StringBuilder text) throws IOException {
    int count = 0;
    int c = peekByte();
    if (c == '-') {
      count = take(text, c, count);
      c = peekByte();
    }
    if (c == '0') {
      count = take(text, c, count);
      c = peekByte();
    } else if (c >= '1' && c <= '9') {
      while (c >= '0' && c <= '9') {
        count = take(text, c, count);
        c = peekByte();
      }
    } else {
      throw unexpected(c, "a digit");
    }
    boolean integral = true;
    if (c == '.') {
      integral = false;
      count = take(text, c, count);
      c = peekByte();
      if (c < '0' || c > '9') {
        throw unexpected(c, "a digit after the decimal point");
      }
      while (c >= '0' && c <= '9') {
        count = take(text, c, count);
        c = peekByte();
      }
    }
    if (c == 'e' || c == 'E') {
      integral = false;
      count = take(text, c, count);
      c = peekByte();
      if (c == '+' || c == '-') {
        count = take(text, c, count);
        c = peekByte();
      }
      if (c < '0' || c > '9') {
        throw unexpected(c, "a digit in the exponent");
      }
      while (c >= '0' && c <= '9') {
        count = take(text, c, count);
        c = peekByte();
      }
    }
    return integral;
  }

  private int take(StringBuilder text, int c, int count) throws MalformedException {
    pos++;
    if (text != null) {
      if (count == MAX_NUMBER_CHARS) {
        throw malformed("a number longer than " + MAX_NUMBER_CHARS + " characters");
      }
      text.append((char) c);
    }
    return count + 1;
  }

  // ---- skipping ----

  /**
   * Passes over the value at the current position, checking all of it, building nothing. Iterative:
   * the containers it enters are counted in the reader's depth, not on the Java stack.
   */
  void skipValue() throws IOException {
    int outer = depth;
    while (true) {
      int c = peek();
      switch (c) {
        case '{', '[':
          if (open(c)) {
            break;
          }
          if (c == '{') {
            skipName();
          }
          continue;
        case '"':
          pos++;
          skipString();
          break;
        case 't':
          literal(TRUE);
          break;
        case 'f':
          literal(FALSE);
          break;
        case 'n':
          literal(NULL);
          break;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            number(null);
            break;
          }
          throw unexpected(c, "a value");
      }
      // A value ended: close what ends here, find where the next value starts.
      while (depth > outer) {
        if (more()) {
          if (objectAt[depth]) {
            skipName();
          }
          break;
        }
      }
      if (depth == outer) {
        return;
      }
    }
  }

  private void skipName() throws IOException {
    expect('"', "a field name in quotes");
    skipString();
    expect(':', "':' after a field name");
  }
}
