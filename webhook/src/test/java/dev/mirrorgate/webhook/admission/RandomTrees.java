package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import java.util.function.Function;

/**
 * Random JSON trees for the reader's and the writer's round trips: objects and arrays of up to
 * three members down to {@code maxDepth}, then only leaves; each test says what its names, strings
 * and numbers look like.
 */
final class RandomTrees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How a test's leaves are drawn. */
  record Leaves(
      Function<Random, String> name,
      Function<Random, String> text,
      Function<Random, JsonNode> number) {}

  private RandomTrees() {}

  static JsonNode value(Random random, int maxDepth, Leaves leaves) {
    return value(random, 0, maxDepth, leaves);
  }

  private static JsonNode value(Random random, int depth, int maxDepth, Leaves leaves) {
    int kind = depth > maxDepth ? 2 + random.nextInt(4) : random.nextInt(6);
    switch (kind) {
      case 0 -> {
        ObjectNode object = NODES.objectNode();
        for (int n = random.nextInt(4); n > 0; n--) {
          object.set(leaves.name().apply(random), value(random, depth + 1, maxDepth, leaves));
        }
        return object;
      }
      case 1 -> {
        ArrayNode array = NODES.arrayNode();
        for (int n = random.nextInt(4); n > 0; n--) {
          array.add(value(random, depth + 1, maxDepth, leaves));
        }
        return array;
      }
      case 2 -> {
        return NODES.textNode(leaves.text().apply(random));
      }
      case 3 -> {
        return leaves.number().apply(random);
      }
      case 4 -> {
        return NODES.booleanNode(random.nextBoolean());
      }
      default -> {
        return NODES.nullNode();
      }
    }
  }
}
