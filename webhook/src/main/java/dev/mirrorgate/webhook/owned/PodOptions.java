package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a custom resource passes to the pods it runs: {@code priorityClassName}, {@code
 * nodeSelector}, {@code tolerations} and the registry container's {@code resources}, checked but
 * otherwise copied as written.
 */
public record PodOptions(
    Optional<String> priorityClassName,
    Map<String, String> nodeSelector,
    ArrayNode tolerations,
    ObjectNode resources) {

  private static final Set<String> OPERATORS = Set.of("Exists", "Equal");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Set<String> RESOURCE_KEYS = Set.of("limits", "requests", "claims");

  public static final PodOptions NONE =
      new PodOptions(
          Optional.empty(),
          Map.of(),
          JsonNodeFactory.instance.arrayNode(),
          JsonNodeFactory.instance.objectNode());

  public PodOptions {
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = tolerations.deepCopy();
    resources = resources.deepCopy();
  }

  /** Reads the options from {@code spec}; errors go to the reader with paths under {@code at}. */
  public static PodOptions read(SpecReader reader, JsonNode spec, String at) {
    Optional<String> priorityClassName =
        reader.checked(spec, "priorityClassName", at + ".priorityClassName", Syntax::dnsSubdomain);
    Map<String, String> nodeSelector =
        new java.util.TreeMap<>(reader.stringMap(spec, "nodeSelector", at + ".nodeSelector"));
    ArrayNode tolerations = JsonNodeFactory.instance.arrayNode();
    reader
        .array(spec, "tolerations", at + ".tolerations")
        .ifPresent(list -> readTolerations(reader, list, at + ".tolerations", tolerations));
    ObjectNode resources = JsonNodeFactory.instance.objectNode();
    reader
        .object(spec, "resources", at + ".resources")
        .ifPresent(r -> readResources(reader, r, at + ".resources", resources));
    return new PodOptions(priorityClassName, nodeSelector, tolerations, resources);
  }

  private static void readTolerations(SpecReader reader, JsonNode list, String at, ArrayNode into) {
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      JsonNode t = list.get(i);
      if (!t.isObject()) {
        reader.errors().add(path, "must be an object, got " + SpecReader.kind(t));
        continue;
      }
      int before = reader.errors().size();
      reader.string(t, "key", path + ".key");
      reader.string(t, "value", path + ".value");
      reader.checked(
          t,
          "operator",
          path + ".operator",
          v -> OPERATORS.contains(v) ? null : "\"" + v + "\" must be Exists or Equal");
      reader.checked(
          t,
          "effect",
          path + ".effect",
          v ->
              v.isEmpty() || EFFECTS.contains(v)
                  ? null
                  : "\"" + v + "\" must be NoSchedule, PreferNoSchedule or NoExecute");
      reader.integer(
          t,
          "tolerationSeconds",
          path + ".tolerationSeconds",
          Integer.MIN_VALUE,
          Integer.MAX_VALUE);
      t.properties()
          .forEach(
              e -> {
                if (!Set.of("key", "value", "operator", "effect", "tolerationSeconds")
                    .contains(e.getKey())) {
                  reader.errors().add(path + "." + e.getKey(), "is not a toleration field");
                }
              });
      if (reader.errors().size() == before) {
        into.add(t.deepCopy());
      }
    }
  }

  private static void readResources(
      SpecReader reader, JsonNode resources, String at, ObjectNode into) {
    resources
        .properties()
        .forEach(
            e -> {
              if (!RESOURCE_KEYS.contains(e.getKey())) {
                reader
                    .errors()
                    .add(at + "." + e.getKey(), "is not a field of resources (limits, requests)");
              }
            });
    for (String key : new String[] {"limits", "requests"}) {
      JsonNode amounts = resources.get(key);
      if (amounts == null || amounts.isNull()) {
        continue;
      }
      if (!amounts.isObject()) {
        reader.errors().add(at + "." + key, "must be an object, got " + SpecReader.kind(amounts));
        continue;
      }
      ObjectNode copy = into.putObject(key);
      amounts
          .properties()
          .forEach(
              e -> {
                String path = at + "." + key + "." + e.getKey();
                JsonNode amount = e.getValue();
                String text =
                    amount.isNumber()
                        ? amount.asText()
                        : amount.isTextual() ? amount.asText() : null;
                String problem =
                    text == null
                        ? "must be a quantity, got " + SpecReader.kind(amount)
                        : Syntax.quantity(text);
                if (problem != null) {
                  reader.errors().add(path, problem);
                } else {
                  copy.set(e.getKey(), amount.deepCopy());
                }
              });
    }
    if (resources.has("claims")) {
      into.set("claims", resources.get("claims").deepCopy());
    }
  }

  /** Sets these options on a pod spec (the registry container is {@code container}). */
  public void applyTo(ObjectNode podSpec, ObjectNode container) {
    priorityClassName.ifPresent(name -> podSpec.put("priorityClassName", name));
    if (!nodeSelector.isEmpty()) {
      ObjectNode selector = podSpec.putObject("nodeSelector");
      new java.util.TreeMap<>(nodeSelector).forEach(selector::put);
    }
    if (!tolerations.isEmpty()) {
      podSpec.set("tolerations", tolerations.deepCopy());
    }
    if (!resources.isEmpty()) {
      container.set("resources", resources.deepCopy());
    }
  }
}
