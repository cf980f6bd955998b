package dev.mirrorgate.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactMapTest {

  /**
   * The same random operations on a CompactMap and a LinkedHashMap leave equal maps with the same
   * order, whatever the key range (small maps stay in the array, large ones move to a hash table).
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 12, 16, 17, 40, 200})
  void behavesAsALinkedHashMap(int keyRange) {
    Random random = new Random(keyRange);
    CompactMap<String, Integer> compact = new CompactMap<>();
    Map<String, Integer> reference = new LinkedHashMap<>();
    for (int step = 0; step < 5_000; step++) {
      String key = "k" + random.nextInt(keyRange);
      int value = random.nextInt();
      switch (random.nextInt(8)) {
        case 0, 1, 2, 3 -> assertThat(compact.put(key, value)).isEqualTo(reference.put(key, value));
        case 4 -> assertThat(compact.remove(key)).isEqualTo(reference.remove(key));
        case 5 -> {
          assertThat(compact.get(key)).isEqualTo(reference.get(key));
          assertThat(compact.containsKey(key)).isEqualTo(reference.containsKey(key));
        }
        case 6 -> {
          compact.entrySet().removeIf(e -> e.getValue() % 7 == 0);
          reference.entrySet().removeIf(e -> e.getValue() % 7 == 0);
        }
        default -> {
          for (Map.Entry<String, Integer> entry : compact.entrySet()) {
            if (entry.getKey().equals(key)) {
              entry.setValue(value);
              reference.put(key, value);
            }
          }
        }
      }
      assertThat(compact.size()).isEqualTo(reference.size());
    }
    assertThat(new ArrayList<>(compact.entrySet()))
        .isEqualTo(new ArrayList<>(reference.entrySet()));
    assertThat(compact).isEqualTo(reference);
    assertThat(reference).isEqualTo(compact);
    assertThat(compact.hashCode()).isEqualTo(reference.hashCode());
    compact.clear();
    assertThat(compact).isEmpty();
  }

  @Test
  void movesToAHashTableBeyondTheLinearLimitKeepingTheOrder() {
    CompactMap<String, Integer> map = new CompactMap<>();
    List<String> keys = new ArrayList<>();
    for (int i = CompactMap.LINEAR_LIMIT + 5; i > 0; i--) {
      keys.add("key-" + i);
      map.put("key-" + i, i);
    }
    assertThat(map.keySet()).containsExactlyElementsOf(keys);
    assertThat(map.get("key-1")).isEqualTo(1);
  }

  @Test
  void anIteratorFailsFastWhenTheMapChangesUnderIt() {
    CompactMap<String, Integer> map = new CompactMap<>();
    map.put("a", 1);
    map.put("b", 2);
    Iterator<Map.Entry<String, Integer>> entries = map.entrySet().iterator();
    Map.Entry<String, Integer> first = entries.next();
    map.put("c", 3);
    assertThatThrownBy(entries::next).isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(first::getValue).isInstanceOf(ConcurrentModificationException.class);
  }

  @Test
  void replacingAValueIsNotAStructuralChange() {
    CompactMap<String, Integer> map = new CompactMap<>();
    map.put("a", 1);
    map.put("b", 2);
    Iterator<String> keys = map.keySet().iterator();
    keys.next();
    map.put("a", 10);
    assertThat(keys.next()).isEqualTo("b");
    assertThat(map).containsExactly(Map.entry("a", 10), Map.entry("b", 2));
  }

  /** A real payload read with the compact factory is the same tree, in the same order. */
  @Test
  void treesReadWithTheCompactFactoryEqualAndPrintAsJacksonsOwn() throws Exception {
    ObjectMapper plain = new ObjectMapper();
    ObjectMapper compact = CompactNodeFactory.mapper();
    byte[] envelope;
    try (InputStream in =
        getClass().getResourceAsStream("/update/intake/registry-v2-multiarch.json")) {
      envelope = in.readAllBytes();
    }
    JsonNode a = plain.readTree(envelope);
    JsonNode b = compact.readTree(envelope);
    assertThat(b).isEqualTo(a);
    assertThat(a).isEqualTo(b);
    assertThat(b.hashCode()).isEqualTo(a.hashCode());
    assertThat(b.toString()).isEqualTo(a.toString());
    assertThat(compact.writeValueAsString(b)).isEqualTo(plain.writeValueAsString(a));

    ObjectNode target = (ObjectNode) b.at("/events/0/target");
    ObjectNode expected = (ObjectNode) a.at("/events/0/target");
    target.remove(Set.of("mediaType", "size"));
    expected.remove(Set.of("mediaType", "size"));
    target.put("added", "x");
    expected.put("added", "x");
    target.retain("digest", "added");
    expected.retain("digest", "added");
    assertThat(b).isEqualTo(a);
    assertThat(b.toString()).isEqualTo(a.toString());
    assertThat(target.deepCopy()).isEqualTo(expected);
    assertThat(target.size()).isEqualTo(2);
  }

  /** Equal short values read into different trees are one node; long ones are not shared. */
  @Test
  void shortStringValuesAreSharedBetweenTrees() throws Exception {
    ObjectMapper compact = CompactNodeFactory.mapper();
    String longValue = "x".repeat(65);
    JsonNode a = compact.readTree("{\"ns\": \"apps\", \"long\": \"" + longValue + "\"}");
    JsonNode b = compact.readTree("{\"other\": \"apps\", \"long\": \"" + longValue + "\"}");

    assertThat(b.get("other")).isSameAs(a.get("ns"));
    assertThat(b.get("long")).isNotSameAs(a.get("long")).isEqualTo(a.get("long"));
  }

  /** Transient trees (read, used, dropped) share nothing, and read exactly as the kept ones. */
  @Test
  void transientTreesShareNothing() throws Exception {
    ObjectMapper transientJson = CompactNodeFactory.transientMapper();
    String text = "{\"ns\": \"apps\", \"list\": [\"apps\", 1]}";
    JsonNode a = transientJson.readTree(text);
    JsonNode b = transientJson.readTree(text);

    assertThat(b.get("ns")).isNotSameAs(a.get("ns")).isEqualTo(a.get("ns"));
    assertThat(a).isEqualTo(CompactNodeFactory.mapper().readTree(text));
    assertThat(a.toString()).isEqualTo(new ObjectMapper().readTree(text).toString());
  }
}
