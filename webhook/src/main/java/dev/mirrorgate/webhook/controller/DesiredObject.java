package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * An owned object as the controller wants it, and the test of whether an observed object already is
 * that: every field the controller sets has the value it sets (the API server may add defaults and
 * other managers other fields), and the object carries the hash of the desired form in {@value
 * #HASH_ANNOTATION} (so a field the controller stopped setting is noticed too). Pure.
 */
public final class DesiredObject {
  public static final String HASH_ANNOTATION = "mirrorgate.dev/desired-hash";
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final ObjectNode node;
  private final String hash;

  private DesiredObject(ObjectNode node, String hash) {
    this.node = node;
    this.hash = hash;
  }

  /**
   * The desired form of {@code rendered} (not modified): Secret {@code stringData} becomes {@code
   * data} (the API server stores only data), and the hash annotation is added.
   */
  public static DesiredObject of(ObjectNode rendered) {
    ObjectNode node = rendered.deepCopy();
    if (node.get("stringData") instanceof ObjectNode stringData) {
      ObjectNode data = node.with("data");
      stringData
          .properties()
          .forEach(
              e ->
                  data.put(
                      e.getKey(),
                      Base64.getEncoder()
                          .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      node.remove("stringData");
    }
    String hash = sha256(node);
    ((ObjectNode) node.with("metadata")).with("annotations").put(HASH_ANNOTATION, hash);
    return new DesiredObject(node, hash);
  }

  public ObjectNode node() {
    return node;
  }

  public String hash() {
    return hash;
  }

  public String name() {
    return node.path("metadata").path("name").asText();
  }

  public String namespace() {
    return node.path("metadata").path("namespace").asText(null);
  }

  /** Whether {@code observed} already is this object (see the class comment). */
  public boolean satisfiedBy(JsonNode observed) {
    return hash.equals(
            observed.path("metadata").path("annotations").path(HASH_ANNOTATION).asText(null))
        && contains(observed, node);
  }

  /** Whether every field of {@code wanted} is in {@code actual} with the same value. */
  static boolean contains(JsonNode actual, JsonNode wanted) {
    if (wanted.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = actual.get(field.getKey());
        if (field.getValue().isNull()) {
          if (value != null && !value.isNull()) {
            return false;
          }
        } else if (value == null || !contains(value, field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isArray()) {
      if (!actual.isArray() || actual.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!contains(actual.get(i), wanted.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isNumber() && actual.isNumber()) {
      return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (wanted.isValueNode() && actual.isValueNode()) {
      return wanted.asText().equals(actual.asText());
    }
    return false;
  }

  private static String sha256(JsonNode node) {
    try {
      byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(node, Object.class));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (java.io.IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a rendered object", e);
    }
  }
}
