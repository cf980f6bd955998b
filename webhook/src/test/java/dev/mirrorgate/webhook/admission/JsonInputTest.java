package dev.mirrorgate.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The byte-level reader against Jackson, the reference: on generated documents and on every one of
 * them broken at random, both accept the same ones and read the same values; table cases pin the
 * errors' wording and location.
 */
class JsonInputTest {
  private static final JsonMapper JACKSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int DEPTH = 500;

  /** The whole document read through the reader (all selected), or the error's message. */
  private static Object read(byte[] json, boolean stream) {
    try {
      JsonInput input =
          stream
              ? JsonInput.of(new TrickleStream(json), DEPTH)
              : JsonInput.of(json, 0, json.length, DEPTH);
      JsonNode node = JsonProjection.ALL.read(input, new JsonProjection.Budget(Long.MAX_VALUE));
      if (input.peek() >= 0) {
        return "trailing";
      }
      return node;
    } catch (Exception e) {
      return e;
    }
  }

  /** Jackson's tree of the document; an exception for no document at all, as for a broken one. */
  private static Object jackson(byte[] json) {
    try {
      JsonNode node = JACKSON.readTree(json);
      return node.isMissingNode() ? new IllegalArgumentException("no document") : node;
    } catch (Exception e) {
      return e;
    }
  }

  /** Whether Jackson's tokenizer finds one JSON value and nothing else (no numbers converted). */
  private static boolean jacksonGrammar(byte[] json) {
    try (com.fasterxml.jackson.core.JsonParser parser = JACKSON.createParser(json)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void readsWhatJacksonReadsAndRefusesWhatItRefuses() throws Exception {
    Random random = new Random(20261126);
    int broken = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] json = render(value(random), random).getBytes(StandardCharsets.UTF_8);
      Object reference = jackson(json);
      assertThat(reference).isInstanceOf(JsonNode.class);
      assertThat(read(json, false))
          .as("%s", new String(json, StandardCharsets.UTF_8))
          .isEqualTo(reference);
      assertThat(read(json, true)).isEqualTo(reference);

      byte[] mutated = mutate(json, random);
      Object expected = jackson(mutated);
      Object actual = read(mutated, random.nextBoolean());
      String shown = new String(mutated, StandardCharsets.UTF_8);
      if (expected instanceof Exception) {
        broken++;
        assertThat(actual).as("Jackson refused %s", shown).isNotInstanceOf(JsonNode.class);
      } else {
        assertThat(actual).as("Jackson read %s", shown).isEqualTo(expected);
      }
    }
    assertThat(broken).as("mutations that broke the document").isGreaterThan(1000);
  }

  @Test
  void skippingChecksEverythingAndBuildsNothing() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      byte[] json = render(value(random), random).getBytes(StandardCharsets.UTF_8);
      byte[] mutated = random.nextBoolean() ? json : mutate(json, random);
      boolean valid = jacksonGrammar(mutated);
      JsonInput input = JsonInput.of(mutated, 0, mutated.length, DEPTH);
      boolean skipped;
      try {
        input.skipValue();
        skipped = input.peek() < 0;
      } catch (JsonInput.MalformedException e) {
        skipped = false;
      }
      assertThat(skipped).as(new String(mutated, StandardCharsets.UTF_8)).isEqualTo(valid);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          unterminated string  | `{"a":"b`            | 1 | 8  | unexpected end of input in a string
          control character    | `{"a":"b\\tc"}`      | 1 | 8  | control character 0x09 in a string (it must be escaped)
          invalid escape       | `["\\x"]`            | 1 | 4  | invalid escape \\x in a string
          short unicode escape | `["\\u12"]`          | 1 | 7  | a \\u escape needs four hexadecimal digits
          leading zero         | `[01]`               | 1 | 3  | unexpected character '1': expected ',' or ']'
          bare fraction        | `[1.]`               | 1 | 4  | unexpected character ']': expected a digit after the decimal point
          bare exponent        | `[1e]`               | 1 | 4  | unexpected character ']': expected a digit in the exponent
          plus sign            | `[+1]`               | 1 | 2  | unexpected character '+': expected a value
          bad literal          | `{"a":tru}`          | 1 | 9  | unrecognized token: expected 'true'
          missing colon        | `{"a" 1}`            | 1 | 6  | unexpected character '1': expected ':' after a field name
          missing comma        | `{"a":1 "b":2}`      | 1 | 8  | unexpected character '"': expected ',' or '}'
          trailing comma       | `{"a":1,}`           | 1 | 8  | unexpected character '}': expected a field name in quotes
          unquoted name        | `{a:1}`              | 1 | 2  | unexpected character 'a': expected a field name in quotes
          second line          | `{\\n "a":\\n  x}`   | 3 | 3  | unexpected character 'x': expected a value
          cut short            | `{"a":[1,`           | 1 | 9  | unexpected end of input: expected a value
          huge exponent        | `[1e99999999999]`    | 1 | 14 | a number out of range (its exponent)
          """)
  void errorsSayWhatAndWhere(
      String description, String json, int line, long column, String reason) {
    byte[] bytes = json.replace("\\n", "\n").replace("\\t", "\t").getBytes(StandardCharsets.UTF_8);
    for (boolean stream : new boolean[] {false, true}) {
      assertThat(read(bytes, stream))
          .as(description)
          .isInstanceOfSatisfying(
              JsonInput.MalformedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(reason.replace("\\\\", "\\"));
                assertThat(e.line()).isEqualTo(line);
                assertThat(e.column()).isEqualTo(column);
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "lone continuation byte, 22 80 22",
    "truncated two-byte sequence, 22 c3 22",
    "overlong two-byte sequence, 22 c0 80 22",
    "overlong three-byte sequence, 22 e0 80 80 22",
    "encoded surrogate, 22 ed a0 80 22",
    "beyond U+10FFFF, 22 f4 90 80 80 22",
    "invalid start byte, 22 ff 22",
  })
  void invalidUtf8IsRefusedWhetherReadOrSkipped(String description, String hex) {
    byte[] string = HexFormat.ofDelimiter(" ").parseHex(hex);
    byte[] read =
        concat("[".getBytes(StandardCharsets.UTF_8), string, "]".getBytes(StandardCharsets.UTF_8));
    assertThat(read(read, false)).as(description).isInstanceOf(JsonInput.MalformedException.class);
    JsonInput skipped = JsonInput.of(read, 0, read.length, DEPTH);
    assertThatThrownBy(skipped::skipValue)
        .as(description)
        .isInstanceOf(JsonInput.MalformedException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  @Test
  void decodesEveryEscapeAndUtf8Length() throws Exception {
    String text = "a\"\\/\b\f\n\r\t\u0001é€😀";
    String json = "[" + JACKSON.writeValueAsString(text) + ",\"\\u00e9\\ud83d\\ude00\\/\"]";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ArrayNode expected = NODES.arrayNode().add(text).add("é😀/");
    assertThat(read(bytes, false)).isEqualTo(expected);
    assertThat(read(bytes, true)).isEqualTo(expected);
  }

  @Test
  void aStringOverItsLimitIsNotBuiltButStillChecked() throws Exception {
    byte[] json = ("[\"" + "x".repeat(100) + "é\", 1]").getBytes(StandardCharsets.UTF_8);
    JsonInput input = JsonInput.of(json, 0, json.length, DEPTH);
    assertThat(input.beginArray()).isFalse();
    assertThat(input.readString(50)).isNull();
    assertThat(input.more()).isTrue();
    assertThat(input.readScalar()).isEqualTo(BigInteger.ONE);
    assertThat(input.more()).isFalse();

    byte[] broken = ("[\"" + "x".repeat(100) + "\\q\"]").getBytes(StandardCharsets.UTF_8);
    JsonInput again = JsonInput.of(broken, 0, broken.length, DEPTH);
    again.beginArray();
    assertThatThrownBy(() -> again.readString(50)).hasMessageContaining("invalid escape \\q");
  }

  @Test
  void numbersLongerThanTheLimitAreRefusedOnlyWhenRead() throws Exception {
    String digits = "9".repeat(JsonInput.MAX_NUMBER_CHARS);
    byte[] ok = ("[" + digits + "]").getBytes(StandardCharsets.UTF_8);
    assertThat(read(ok, false)).isEqualTo(NODES.arrayNode().add(new BigInteger(digits)));
    byte[] over = ("[" + digits + "9]").getBytes(StandardCharsets.UTF_8);
    assertThat(read(over, false))
        .isInstanceOfSatisfying(
            JsonInput.MalformedException.class,
            e -> assertThat(e.reason()).isEqualTo("a number longer than 1000 characters"));
    JsonInput skipped = JsonInput.of(over, 0, over.length, DEPTH);
    skipped.skipValue();
    assertThat(skipped.peek()).isEqualTo(-1);
  }

  /** The eight-bytes-at-a-time test against the byte table, for every byte in every position. */
  @Test
  void aWordNeedsALookExactlyWhenOneOfItsBytesIsNotPlain() {
    Random random = new Random(3);
    for (int b = 0; b < 256; b++) {
      boolean plain = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
      for (int at = 0; at < 8; at++) {
        long word = 0;
        for (int i = 0; i < 8; i++) {
          long filler = 0x20 + random.nextInt(0x5f);
          if (filler == '"' || filler == '\\') {
            filler = 'x';
          }
          word |= (i == at ? b : filler) << (8 * i);
        }
        assertThat(JsonInput.needsALook(word)).as("byte 0x%02x at %d", b, at).isEqualTo(!plain);
      }
    }
  }

  @Test
  void aByteOrderMarkIsSkipped() {
    byte[] json = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
    assertThat(read(json, false)).isEqualTo(NODES.arrayNode().add(BigInteger.ONE));
  }

  // ---- generated documents ----

  private static final String ALPHABET = "ab\"\\/é€😀\n\t\u0001 {}[]:,0";

  private static final RandomTrees.Leaves LEAVES =
      new RandomTrees.Leaves(
          JsonInputTest::string,
          JsonInputTest::string,
          random ->
              random.nextBoolean()
                  ? NODES.numberNode(BigInteger.valueOf(random.nextLong() >> random.nextInt(64)))
                  : NODES.numberNode(
                      new BigDecimal(
                          BigInteger.valueOf(random.nextInt()),
                          random.nextBoolean() ? 1 + random.nextInt(6) : -1 - random.nextInt(6))));

  private static JsonNode value(Random random) {
    return RandomTrees.value(random, 6, LEAVES);
  }

  private static String string(Random random) {
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      int at = random.nextInt(ALPHABET.length());
      if (Character.isHighSurrogate(ALPHABET.charAt(at))) {
        text.append(ALPHABET, at, at + 2);
      } else if (!Character.isLowSurrogate(ALPHABET.charAt(at))) {
        text.append(ALPHABET.charAt(at));
      }
    }
    return text.toString();
  }

  /**
   * Jackson's rendering with whitespace sprinkled between tokens, and escapes spelled out at
   * random.
   */
  private static String render(JsonNode node, Random random) throws Exception {
    String compact = JACKSON.writeValueAsString(node);
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      if (!inString && "{}[]:,".indexOf(c) >= 0 && random.nextInt(4) == 0) {
        out.append(" \n\t\r".charAt(random.nextInt(4)));
      }
      if (inString && c == '\\') {
        out.append(c).append(compact.charAt(++i));
        continue;
      }
      if (c == '"') {
        inString = !inString;
      }
      if (inString && c == 'a' && random.nextInt(3) == 0) {
        out.append("\\u0061");
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** One byte replaced, deleted or inserted, from JSON's own characters. */
  private static byte[] mutate(byte[] json, Random random) {
    byte[] significant = "{}[]:,\"\\-0123456789.eE+tfnul \n".getBytes(StandardCharsets.US_ASCII);
    byte b = significant[random.nextInt(significant.length)];
    int at = random.nextInt(json.length);
    return switch (random.nextInt(3)) {
      case 0 -> {
        byte[] copy = json.clone();
        copy[at] = b;
        yield copy;
      }
      case 1 ->
          concat(
              java.util.Arrays.copyOfRange(json, 0, at),
              java.util.Arrays.copyOfRange(json, at + 1, json.length));
      default ->
          concat(
              java.util.Arrays.copyOfRange(json, 0, at),
              new byte[] {b},
              java.util.Arrays.copyOfRange(json, at, json.length));
    };
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /** A stream that hands out at most three bytes per read, so every token crosses windows. */
  private static final class TrickleStream extends InputStream {
    private final ByteArrayInputStream bytes;

    TrickleStream(byte[] data) {
      this.bytes = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
      return bytes.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return bytes.read(b, off, Math.min(len, 3));
    }
  }
}
