package dev.mirrorgate.webhook.admission;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads AdmissionReview requests and writes AdmissionReview responses (v1 and v1beta1).
 *
 * <p>Decoding never trusts the body: every way it can be unusable becomes an {@link
 * AdmissionDecodeException} that names what was wrong.
 */
public final class AdmissionCodec {
  public static final String V1 = "admission.k8s.io/v1";
  public static final String V1BETA1 = "admission.k8s.io/v1beta1";
  private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);

  /** What admission reads of a review: the request header and the Pod's images and labels. */
  private static final JsonProjection CONTAINERS = JsonProjection.fields("name", "image");

  private static final JsonProjection REVIEW =
      JsonProjection.fields(
          Map.of(
              "kind", JsonProjection.ALL,
              "apiVersion", JsonProjection.ALL,
              "request",
                  JsonProjection.fields(
                      Map.of(
                          "uid", JsonProjection.ALL,
                          "resource", JsonProjection.fields("resource"),
                          "subResource", JsonProjection.ALL,
                          "operation", JsonProjection.ALL,
                          "namespace", JsonProjection.ALL,
                          "name", JsonProjection.ALL,
                          "dryRun", JsonProjection.ALL,
                          "object",
                              JsonProjection.fields(
                                  Map.of(
                                      "metadata",
                                          JsonProjection.fields(
                                              "name", "generateName", "labels", "annotations"),
                                      "spec",
                                          JsonProjection.fields(
                                              Map.of(
                                                  "containers", CONTAINERS,
                                                  "initContainers", CONTAINERS,
                                                  "ephemeralContainers", CONTAINERS))))))));

  /**
   * The deepest nesting read, counted over the whole review (skipped parts too). A Pod review
   * reaches about 20 (managedFields). Skipped parts are passed over without recursion; the
   * projection reader recurses once per projected level, so the limit keeps it far inside the event
   * loop's 256 KiB stack even before the JIT compiles it (about 600 levels overflowed it).
   */
  public static final int MAX_DEPTH = 100;

  /** All the text admission materializes from one review, at most. */
  public static final int MAX_PROJECTED_CHARS = 1024 * 1024;

  public AdmissionCodec() {}

  /** Decodes a review body, or throws with a 400 and the reason. */
  public AdmissionRequest decode(byte[] body) throws AdmissionDecodeException {
    return decode(body, 0, body.length);
  }

  /** Decodes {@code length} bytes of {@code body} from {@code offset}. */
  public AdmissionRequest decode(byte[] body, int offset, int length)
      throws AdmissionDecodeException {
    return decode(JsonInput.of(body, offset, length, MAX_DEPTH));
  }

  /** Decodes a review read from {@code body}. */
  public AdmissionRequest decode(InputStream body) throws AdmissionDecodeException {
    try {
      return decode(JsonInput.of(body, MAX_DEPTH));
    } catch (IOException e) {
      throw new AdmissionDecodeException(400, "unreadable body: " + e.getMessage());
    }
  }

  private AdmissionRequest decode(JsonInput input) throws AdmissionDecodeException {
    JsonNode root;
    try {
      if (input.peek() < 0) {
        throw new AdmissionDecodeException(400, "empty body: expected an AdmissionReview");
      }
      root = REVIEW.read(input, new JsonProjection.Budget(MAX_PROJECTED_CHARS));
      if (input.peek() >= 0) {
        throw new AdmissionDecodeException(
            400, "malformed JSON: unexpected content after the AdmissionReview object");
      }
    } catch (JsonInput.TooDeepException e) {
      throw new AdmissionDecodeException(
          400, "JSON nested deeper than " + MAX_DEPTH + " levels (a Pod review is about 20 deep)");
    } catch (JsonProjection.OverBudgetException e) {
      throw new AdmissionDecodeException(
          400,
          "the review's metadata and images hold more than "
              + MAX_PROJECTED_CHARS
              + " characters (a Pod the API server accepts has at most 256 KiB of annotations)");
    } catch (JsonInput.MalformedException e) {
      throw new AdmissionDecodeException(
          400, "malformed JSON at line " + e.line() + ", column " + e.column() + ": " + e.reason());
    } catch (IOException e) {
      throw new AdmissionDecodeException(400, "unreadable body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new AdmissionDecodeException(400, "not an AdmissionReview: body is not a JSON object");
    }
    String kind = root.path("kind").asText("");
    if (!kind.equals("AdmissionReview")) {
      throw new AdmissionDecodeException(
          400,
          "not an AdmissionReview: kind is \""
              + Quoted.clip(kind)
              + "\", expected \"AdmissionReview\"");
    }
    String apiVersion = root.path("apiVersion").asText("");
    if (!VERSIONS.contains(apiVersion)) {
      throw new AdmissionDecodeException(
          400,
          "unsupported AdmissionReview apiVersion \""
              + Quoted.clip(apiVersion)
              + "\": expected "
              + V1
              + " or "
              + V1BETA1);
    }
    JsonNode request = root.path("request");
    if (!request.isObject()) {
      throw new AdmissionDecodeException(400, "not an AdmissionReview request: no \"request\"");
    }
    String uid = request.path("uid").asText("");
    if (uid.isEmpty()) {
      throw new AdmissionDecodeException(400, "AdmissionReview request has no uid");
    }
    return new AdmissionRequest(
        apiVersion,
        uid,
        request.path("resource").path("resource").asText(""),
        request.path("subResource").asText(""),
        request.path("operation").asText(""),
        request.path("namespace").asText(""),
        request.path("name").asText(""),
        request.path("dryRun").asBoolean(false),
        request.path("object"));
  }

  /** An allowing response without a patch, echoing the request's uid and apiVersion. */
  public byte[] allow(AdmissionRequest request, List<String> warnings) {
    return write(request, null, warnings);
  }

  /** An allowing response carrying a JSON Patch. */
  public byte[] patch(AdmissionRequest request, ArrayNode patch, List<String> warnings) {
    return write(request, patch, warnings);
  }

  /**
   * The response, written out directly: its envelope is fixed, and the patch goes in as the base64
   * of its bytes, which needs no escaping (through a JSON generator, escape checks on that one long
   * string were most of the cost of answering).
   */
  private byte[] write(AdmissionRequest request, ArrayNode patch, List<String> warnings) {
    byte[] encodedPatch =
        patch == null ? null : Base64.getEncoder().encode(JsonWriter.bytes(patch));
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(256 + (encodedPatch == null ? 0 : encodedPatch.length));
    out.writeBytes(API_VERSION);
    out.writeBytes(quoted(request.apiVersion()));
    out.writeBytes(UID);
    out.writeBytes(quoted(request.uid()));
    out.writeBytes(ALLOWED);
    if (encodedPatch != null) {
      out.writeBytes(PATCH);
      out.writeBytes(encodedPatch);
      out.write('"');
    }
    if (!warnings.isEmpty()) {
      out.writeBytes(WARNINGS);
      for (int i = 0; i < warnings.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write('"');
        out.writeBytes(quoted(warnings.get(i)));
        out.write('"');
      }
      out.write(']');
    }
    out.writeBytes(END);
    return out.toByteArray();
  }

  private static final byte[] API_VERSION = ascii("{\"apiVersion\":\"");
  private static final byte[] UID =
      ascii("\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"");
  private static final byte[] ALLOWED = ascii("\",\"allowed\":true");
  private static final byte[] PATCH = ascii(",\"patchType\":\"JSONPatch\",\"patch\":\"");
  private static final byte[] WARNINGS = ascii(",\"warnings\":[");
  private static final byte[] END = ascii("}}");

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A string's JSON escaping, in UTF-8, without the quotes. */
  private static byte[] quoted(String text) {
    return JsonStringEncoder.getInstance().quoteAsUTF8(text);
  }
}
