package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed fields from a custom resource's JSON, recording a wrong type as an error with the
 * field's path instead of throwing: a parser built on it is total. An absent field and a JSON null
 * both read as absent.
 */
public final class SpecReader {
  private final FieldErrors errors;

  public SpecReader(FieldErrors errors) {
    this.errors = errors;
  }

  public FieldErrors errors() {
    return errors;
  }

  /** The string {@code object.field}; a non-string is an error at {@code path}. */
  public Optional<String> string(JsonNode object, String field, String path) {
    JsonNode value = present(object, field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      errors.add(path, "must be a string, got " + kind(value));
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  /** A string that {@code check} accepts (it returns null) or an error naming the problem. */
  public Optional<String> checked(
      JsonNode object, String field, String path, Function<String, String> check) {
    Optional<String> value = string(object, field, path);
    if (value.isPresent()) {
      String problem = check.apply(value.get());
      if (problem != null) {
        errors.add(path, problem);
        return Optional.empty();
      }
    }
    return value;
  }

  /** An integer within {@code [min, max]}. */
  public Optional<Integer> integer(JsonNode object, String field, String path, int min, int max) {
    JsonNode value = present(object, field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      errors.add(path, "must be an integer, got " + kind(value));
      return Optional.empty();
    }
    int n = value.asInt();
    if (n < min || n > max) {
      errors.add(path, "must be between " + min + " and " + max + ", got " + n);
      return Optional.empty();
    }
    return Optional.of(n);
  }

  public Optional<Boolean> bool(JsonNode object, String field, String path) {
    JsonNode value = present(object, field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      errors.add(path, "must be true or false, got " + kind(value));
      return Optional.empty();
    }
    return Optional.of(value.asBoolean());
  }

  /** The object {@code object.field}; a non-object is an error. */
  public Optional<JsonNode> object(JsonNode object, String field, String path) {
    JsonNode value = present(object, field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      errors.add(path, "must be an object, got " + kind(value));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  public Optional<JsonNode> array(JsonNode object, String field, String path) {
    JsonNode value = present(object, field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      errors.add(path, "must be a list, got " + kind(value));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** A map of strings to strings (labels, a nodeSelector, annotations), in document order. */
  public Map<String, String> stringMap(JsonNode object, String field, String path) {
    Map<String, String> map = new LinkedHashMap<>();
    object(object, field, path)
        .ifPresent(
            node ->
                node.properties()
                    .forEach(
                        e -> {
                          if (e.getValue().isTextual()) {
                            map.put(e.getKey(), e.getValue().asText());
                          } else {
                            errors.add(
                                path + "." + e.getKey(),
                                "must be a string, got " + kind(e.getValue()));
                          }
                        }));
    return map;
  }

  /** How a value is named in an error message. */
  public static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string \"" + value.asText() + "\"";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "a list";
      case OBJECT, POJO -> "an object";
      case NULL, MISSING -> "null";
      case BINARY -> "binary data";
    };
  }

  private static JsonNode present(JsonNode object, String field) {
    JsonNode value = object == null ? null : object.get(field);
    return value == null || value.isNull() ? null : value;
  }
}
