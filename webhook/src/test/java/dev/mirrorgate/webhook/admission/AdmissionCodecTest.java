package dev.mirrorgate.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.TestResources;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdmissionCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AdmissionCodec codec = new AdmissionCodec();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          empty                  | ''                                                  | empty body
          not JSON               | 'hello'                                             | malformed JSON at line 1
          truncated              | '{"kind":"AdmissionReview","request":{'             | malformed JSON
          array                  | '[1,2]'                                             | body is not a JSON object
          wrong kind             | '{"kind":"Pod","apiVersion":"v1"}'                  | kind is "Pod"
          missing kind           | '{"apiVersion":"admission.k8s.io/v1"}'              | kind is ""
          wrong version          | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v2"}' | unsupported AdmissionReview apiVersion "admission.k8s.io/v2"
          no request             | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}' | no "request"
          no uid                 | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{}}' | has no uid
          broken in a skipped part | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u","options":{"a":tru}}}' | malformed JSON
          trailing content       | '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u"}} {}' | unexpected content after
          whitespace only        | '   '                                               | empty body
          """)
  void rejectsWhatIsNotAReview(String description, String body, String reason) {
    assertThatThrownBy(() -> codec.decode(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            AdmissionDecodeException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(reason);
  }

  @Test
  void absurdNestingIsABadRequestNotAStackOverflow() {
    String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
    for (String where : List.of("options", "object\":{\"metadata\":{\"labels")) {
      String body =
          "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\",\""
              + where
              + "\":"
              + deep
              + (where.startsWith("object") ? "}}" : "")
              + "}}";
      assertThatThrownBy(() -> codec.decode(body.getBytes(StandardCharsets.UTF_8)))
          .as(where)
          .isInstanceOfSatisfying(
              AdmissionDecodeException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("JSON nested deeper than 100 levels");
    }
  }

  /** {@code {"kind",...,"request":{"uid":"u","options": <levels>}}}: 2 + levels deep. */
  private static byte[] nested(int levels, boolean arrays) {
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    return ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\","
            + "\"request\":{\"uid\":\"u\",\"options\":"
            + open.repeat(levels)
            + (arrays ? "" : "1")
            + close.repeat(levels)
            + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "depth {0}, arrays {1}")
  @CsvSource({"99, false", "100, false", "100, true", "101, false", "101, true", "1000, true"})
  void nestingUpToTheLimitIsReadAndOneMoreIsRefused(int depth, boolean arrays) throws Exception {
    byte[] body = nested(depth - 2, arrays);
    if (depth <= AdmissionCodec.MAX_DEPTH) {
      assertThat(codec.decode(body).uid()).isEqualTo("u");
    } else {
      assertThatThrownBy(() -> codec.decode(body))
          .isInstanceOfSatisfying(
              AdmissionDecodeException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessage("JSON nested deeper than 100 levels (a Pod review is about 20 deep)");
    }
  }

  /** The projection reader recurses; nesting inside a projected part (labels) is bounded too. */
  @Test
  void nestingInsideTheProjectionStopsAtTheLimit() throws Exception {
    String prefix =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\","
            + "\"object\":{\"metadata\":{\"labels\":{\"a\":";
    // root, request, object, metadata, labels: 5 levels before the arrays
    String ok = prefix + "[".repeat(95) + "]".repeat(95) + "}}}}}";
    assertThat(codec.decode(ok.getBytes(StandardCharsets.UTF_8)).uid()).isEqualTo("u");
    String over = prefix + "[".repeat(96) + "]".repeat(96) + "}}}}}";
    assertThatThrownBy(() -> codec.decode(over.getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("JSON nested deeper than 100 levels");
  }

  private static byte[] withAnnotation(int chars) {
    return ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\","
            + "\"object\":{\"metadata\":{\"annotations\":{\"a\":\""
            + "x".repeat(chars)
            + "\"}}}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aProjectedStringUpToTheLimitIsReadAndALongerOneRefused() throws Exception {
    // the uid "u" and the key "a" are projected text too
    int room =
        AdmissionCodec.MAX_PROJECTED_CHARS
            - "a".length()
            - "u".length()
            - "annotations".length()
            - "metadata".length()
            - "object".length()
            - "uid".length()
            - "kind".length()
            - "AdmissionReview".length()
            - "apiVersion".length()
            - AdmissionCodec.V1.length()
            - "request".length();
    assertThat(
            codec
                .decode(withAnnotation(room))
                .object()
                .path("metadata")
                .path("annotations")
                .path("a")
                .textValue())
        .hasSize(room);
    assertThatThrownBy(() -> codec.decode(withAnnotation(room + 1)))
        .isInstanceOfSatisfying(
            AdmissionDecodeException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("metadata and images hold more than 1048576 characters");
    assertThatThrownBy(() -> codec.decode(withAnnotation(2 * AdmissionCodec.MAX_PROJECTED_CHARS)))
        .isInstanceOfSatisfying(
            AdmissionDecodeException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("1048576 characters");
  }

  /** A huge string in a skipped part (oldObject, env values) is tokenized, never built. */
  @Test
  void aHugeStringOutsideTheProjectionIsNoProblem() throws Exception {
    String body =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\","
            + "\"oldObject\":{\"data\":\""
            + "x".repeat(5 * 1024 * 1024)
            + "\"}}}";
    assertThat(codec.decode(body.getBytes(StandardCharsets.UTF_8)).uid()).isEqualTo("u");
    assertThat(
            codec
                .decode(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
                .uid())
        .isEqualTo("u");
  }

  @Test
  void clientValuesInErrorsAreQuotedShort() {
    String body =
        "{\"kind\":\"" + "K\\u0000".repeat(5000) + "\",\"apiVersion\":\"admission.k8s.io/v1\"}";
    assertThatThrownBy(() -> codec.decode(body.getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("not an AdmissionReview: kind is \"K\\u0000K\\u0000")
        .hasMessageContaining("…(10000 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).doesNotContain("\0"));
  }

  @Test
  void decodesARealisticPodCreate() throws Exception {
    AdmissionRequest request =
        codec.decode(
            TestResources.text("reviews/pod-create.json").getBytes(StandardCharsets.UTF_8));
    assertThat(request.apiVersion()).isEqualTo(AdmissionCodec.V1);
    assertThat(request.uid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(request.operation()).isEqualTo("CREATE");
    assertThat(request.isPod()).isTrue();
    assertThat(request.isEphemeralContainersUpdate()).isFalse();
    assertThat(request.namespace()).isEqualTo("shop");
    assertThat(request.podName()).isEqualTo("shop-frontend-7d9f8c6b5d-");
    assertThat(request.object().path("spec").path("containers").size()).isEqualTo(3);
  }

  @Test
  void readsOnlyWhatAdmissionNeedsAndKeepsListPositions() throws Exception {
    String review =
        """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1",
         "request":{"uid":"u","resource":{"group":"","resource":"pods"},"operation":"CREATE",
           "object":{"metadata":{"name":"p","uid":"x","labels":{"a":"b"},"annotations":{"c":"d"}},
             "spec":{"containers":[{"name":"noimage","env":[{"name":"E"}]},{"name":"c","image":"nginx","ports":[]}],
                     "volumes":[{"name":"v"}]},
             "status":{"phase":"Pending"}}}}
        """;
    AdmissionRequest request = codec.decode(review.getBytes(StandardCharsets.UTF_8));
    assertThat(request.object())
        .isEqualTo(
            JSON.readTree(
                """
                {"metadata":{"name":"p","labels":{"a":"b"},"annotations":{"c":"d"}},
                 "spec":{"containers":[{"name":"noimage"},{"name":"c","image":"nginx"}]}}
                """));
  }

  @ParameterizedTest
  @CsvSource({"admission.k8s.io/v1", "admission.k8s.io/v1beta1"})
  void responsesEchoUidAndApiVersion(String version) throws Exception {
    AdmissionRequest request =
        codec.decode(
            ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\""
                    + version
                    + "\",\"request\":{\"uid\":\"abc\",\"subResource\":\"ephemeralcontainers\"}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(request.isEphemeralContainersUpdate()).isTrue();

    JsonNode allowed = JSON.readTree(codec.allow(request, List.of()));
    assertThat(allowed.path("apiVersion").asText()).isEqualTo(version);
    assertThat(allowed.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(allowed.path("response").path("uid").asText()).isEqualTo("abc");
    assertThat(allowed.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(allowed.path("response").has("patch")).isFalse();
    assertThat(allowed.path("response").has("warnings")).isFalse();

    var patch = JSON.createArrayNode();
    patch
        .addObject()
        .put("op", "replace")
        .put("path", "/spec/containers/0/image")
        .put("value", "x");
    JsonNode patched = JSON.readTree(codec.patch(request, patch, List.of("careful")));
    assertThat(patched.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(
            JSON.readTree(
                Base64.getDecoder().decode(patched.path("response").path("patch").asText())))
        .isEqualTo(patch);
    assertThat(patched.path("response").path("warnings")).hasSize(1);
  }

  /** The response is written out by hand: what the client sent comes back escaped, never raw. */
  @Test
  void responsesEscapeWhatTheRequestCarried() throws Exception {
    String uid = "a\"b\\c\u0001é😀</script>";
    byte[] body =
        JSON.writeValueAsBytes(
            JSON.createObjectNode()
                .put("kind", "AdmissionReview")
                .put("apiVersion", AdmissionCodec.V1)
                .set("request", JSON.createObjectNode().put("uid", uid)));
    AdmissionRequest request = codec.decode(body);
    var patch = JSON.createArrayNode();
    patch.addObject().put("op", "add").put("path", "/x").put("value", "\"\n");
    List<String> warnings = List.of("one \"quoted\"", "two\nlines", "");
    JsonNode written = JSON.readTree(codec.patch(request, patch, warnings));
    assertThat(written)
        .isEqualTo(
            JSON.createObjectNode()
                .put("apiVersion", AdmissionCodec.V1)
                .put("kind", "AdmissionReview")
                .set(
                    "response",
                    JSON.createObjectNode()
                        .put("uid", uid)
                        .put("allowed", true)
                        .put("patchType", "JSONPatch")
                        .put(
                            "patch",
                            Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)))
                        .set("warnings", JSON.valueToTree(warnings))));
    assertThat(JSON.readTree(codec.allow(request, List.of())))
        .isEqualTo(
            JSON.createObjectNode()
                .put("apiVersion", AdmissionCodec.V1)
                .put("kind", "AdmissionReview")
                .set("response", JSON.createObjectNode().put("uid", uid).put("allowed", true)));
  }
}
