package dev.mirrorgate.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the writer produces reads back, with Jackson, as the tree it was given. */
class JsonWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Every kind of character a string can hold: escapes, UTF-8 of 1-4 bytes, lone surrogates. */
  private static final String CHARACTERS =
      "a/\"\\\b\f\n\r\t\u0000\u001f\u007fé€\ud83d\ude00\ud800\udc00";

  @Test
  void whatItWritesReadsBackAsTheTree() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      JsonNode tree = RandomTrees.value(random, 4, LEAVES);
      byte[] bytes = JsonWriter.bytes(tree);
      assertThat(JSON.readTree(bytes))
          .as(new String(bytes, StandardCharsets.UTF_8))
          .isEqualTo(tree);
      assertThat(JsonWriter.text(tree)).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  @Test
  void writesCompactJsonWithTheShortEscapes() {
    ObjectNode tree = NODES.objectNode();
    tree.put("a", "q\"b\\n\n\u0001/é");
    tree.putArray("b").add(1).add(true).addNull().add(new BigDecimal("1.5"));
    assertThat(JsonWriter.text(tree))
        .isEqualTo("{\"a\":\"q\\\"b\\\\n\\n\\u0001/é\",\"b\":[1,true,null,1.5]}");
  }

  @Test
  void longStringsCrossSegmentsWithTheirSurrogatePairsWhole() throws Exception {
    for (int prefix = 500; prefix < 520; prefix++) {
      String text = "x".repeat(prefix) + "😀".repeat(300) + "\"".repeat(700);
      JsonNode tree = NODES.textNode(text);
      assertThat(JSON.readTree(JsonWriter.bytes(tree)).textValue()).isEqualTo(text);
    }
  }

  @Test
  void aNodeWithoutJsonFormIsRefused() {
    assertThatThrownBy(() -> JsonWriter.bytes(NODES.binaryNode(new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final RandomTrees.Leaves LEAVES =
      new RandomTrees.Leaves(
          JsonWriterTest::name,
          JsonWriterTest::string,
          random ->
              random.nextBoolean()
                  ? NODES.numberNode(random.nextInt())
                  : NODES.numberNode(random.nextLong()));

  /** Jackson, the reference reader, refuses a lone surrogate in a name (not in a value). */
  private static String name(Random random) {
    return string(random).replaceAll("[\\ud800-\\udfff]", "s");
  }

  private static String string(Random random) {
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(10); n > 0; n--) {
      text.append(CHARACTERS.charAt(random.nextInt(CHARACTERS.length())));
    }
    return text.toString();
  }
}
