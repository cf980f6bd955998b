package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.json.CompactNodeFactory;
import java.io.IOException;

/** What the payload parsers share: reading JSON, fields, and image references. */
final class Payloads {
  private static final ObjectMapper JSON =
      CompactNodeFactory.transientMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Payloads() {}

  /** The body as a JSON object. */
  static JsonNode object(byte[] body, String what) throws MalformedPayloadException {
    if (body == null || body.length == 0) {
      throw new MalformedPayloadException("empty body: expected " + what);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException(
          "not JSON"
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")")
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedPayloadException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPayloadException("expected " + what + ", a JSON object");
    }
    return root;
  }

  /** A string field at {@code path} ("" when absent, null or not a string). */
  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isTextual() ? n.asText() : "";
  }

  /** A required string field, else the body is malformed. */
  static String required(JsonNode node, String where, String... path)
      throws MalformedPayloadException {
    String v = text(node, path);
    if (v.isEmpty()) {
      throw new MalformedPayloadException(where + String.join(".", path) + " is missing");
    }
    return v;
  }

  /** {@code name[:tag][@digest]}, parsed and normalized. */
  static ImageReference image(String name, String tag, String digest)
      throws InvalidImageReferenceException {
    StringBuilder ref = new StringBuilder(name);
    if (tag != null && !tag.isEmpty()) {
      ref.append(':').append(tag);
    }
    if (digest != null && !digest.isEmpty()) {
      ref.append('@').append(digest);
    }
    return ImageReference.parse(ref.toString());
  }

  /** The host of a URL or a bare host ({@code https://ghcr.io} → {@code ghcr.io}). */
  static String host(String url) {
    String h = url;
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      h = h.substring(scheme + 3);
    }
    int slash = h.indexOf('/');
    return slash >= 0 ? h.substring(0, slash) : h;
  }
}
