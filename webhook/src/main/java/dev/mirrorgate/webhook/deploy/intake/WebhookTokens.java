package dev.mirrorgate.webhook.deploy.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens that authenticate pushes: every value of Secret {@code mirrorgate-webhook-tokens} (its
 * keys only name them, so one can be added and another removed for a rotation). Values and
 * presented tokens are compared with surrounding whitespace trimmed (a token file's trailing
 * newline is not part of the token); blank values are no token. Only SHA-256 digests are kept, and
 * a presented token is compared with all of them in constant time: equal-length digests, {@link
 * MessageDigest#isEqual}, no early exit.
 */
final class WebhookTokens {
  static final WebhookTokens NONE = new WebhookTokens(List.of(), List.of(), List.of());

  private final List<String> names;
  private final List<byte[]> digests;
  private final List<String> problems;

  private WebhookTokens(List<String> names, List<byte[]> digests, List<String> problems) {
    this.names = List.copyOf(names);
    this.digests = List.copyOf(digests);
    this.problems = List.copyOf(problems);
  }

  /** The tokens of {@code tokensByName} (name → token). */
  static WebhookTokens of(Map<String, String> tokensByName) {
    List<String> names = new ArrayList<>();
    List<byte[]> digests = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    tokensByName.forEach(
        (name, token) -> {
          String trimmed = token == null ? "" : token.strip();
          if (trimmed.isEmpty()) {
            problems.add("key " + name + " is empty: not a token");
          } else {
            names.add(name);
            digests.add(sha256(trimmed));
          }
        });
    return new WebhookTokens(names, digests, problems);
  }

  /** The tokens of a Secret as the API serves it ({@code data}: base64 values). */
  static WebhookTokens fromSecret(JsonNode secret) {
    Map<String, String> tokens = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    secret
        .path("data")
        .properties()
        .forEach(
            entry -> {
              try {
                tokens.put(
                    entry.getKey(),
                    new String(
                        Base64.getDecoder().decode(entry.getValue().asText()),
                        StandardCharsets.UTF_8));
              } catch (IllegalArgumentException e) {
                problems.add("key " + entry.getKey() + " is not base64: not a token");
              }
            });
    WebhookTokens read = of(tokens);
    problems.addAll(0, read.problems);
    return new WebhookTokens(read.names, read.digests, problems);
  }

  /** Whether no token is configured. */
  boolean isEmpty() {
    return digests.isEmpty();
  }

  /** Whether {@code presented} is one of the tokens (constant time in the tokens' contents). */
  boolean matches(String presented) {
    byte[] digest = sha256(presented.strip());
    boolean matched = false;
    for (byte[] token : digests) {
      matched |= MessageDigest.isEqual(token, digest);
    }
    return matched;
  }

  /** The names (Secret keys) of the tokens, for logs; never their values. */
  List<String> names() {
    return names;
  }

  /** Keys that hold no usable token, each with why. */
  List<String> problems() {
    return problems;
  }

  /** One digest per thread: looking the algorithm up for every request cost more than hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JDK has SHA-256", e);
            }
          });

  private static byte[] sha256(String token) {
    return SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)); // digest() resets it
  }
}
