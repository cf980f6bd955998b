package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks a Secret that a custom resource names (upstream credentials, push users): the schema
 * cannot see it, so a missing Secret or key is reported as an error of the naming field. Values are
 * never put into messages.
 */
public final class ReferencedSecret {
  private ReferencedSecret() {}

  /**
   * What is wrong with {@code secret} (null when it does not exist) for the field at {@code path}:
   * every key of {@code keys} must be present and non-empty.
   */
  public static List<String> problems(
      String path, String namespace, String name, JsonNode secret, List<String> keys) {
    List<String> problems = new ArrayList<>();
    String which = "Secret \"" + namespace + "/" + name + "\"";
    if (secret == null || secret.isMissingNode() || secret.isNull()) {
      problems.add(path + ": " + which + " not found");
      return problems;
    }
    for (String key : keys) {
      Optional<String> value = value(secret, key);
      if (!secret.path("data").has(key) && !secret.path("stringData").has(key)) {
        problems.add(path + ": " + which + " has no key \"" + key + "\"");
      } else if (value.isEmpty() || value.get().isEmpty()) {
        problems.add(path + ": " + which + " key \"" + key + "\" is empty or not base64");
      }
    }
    return problems;
  }

  /** The decoded value of {@code key}, from {@code data} (base64) or {@code stringData}. */
  public static Optional<String> value(JsonNode secret, String key) {
    JsonNode encoded = secret.path("data").path(key);
    if (encoded.isTextual()) {
      try {
        return Optional.of(
            new String(Base64.getDecoder().decode(encoded.asText()), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    JsonNode plain = secret.path("stringData").path(key);
    return plain.isTextual() ? Optional.of(plain.asText()) : Optional.empty();
  }
}
