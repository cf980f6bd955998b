package dev.mirrorgate.webhook.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, nesting: JSON nested ~600 levels overflowed the event loop's stack in the projection
 * reader of a freshly started server (cold JIT, shipped {@code -Xss256k}), and no answer came. Each
 * case starts a new process with the shipped flags and sends the deep review as its first request,
 * nested inside the projected labels (where the reader recurses) or in a skipped part.
 */
class NestingLimitsIT {
  @TempDir Path dir;

  /** {@code metadata.labels.a} holds {@code depth - 5} nested arrays: the review is depth deep. */
  static byte[] labelsNested(int depth) {
    int arrays = depth - 5; // root, request, object, metadata, labels
    return ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{"
            + "\"uid\":\"deep\",\"resource\":{\"resource\":\"pods\"},\"operation\":\"CREATE\","
            + "\"object\":{\"metadata\":{\"labels\":{\"a\":"
            + "[".repeat(arrays)
            + "]".repeat(arrays)
            + "}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "depth {0} → {1}")
  @CsvSource({"99, 200", "100, 200", "101, 400", "600, 400", "5000, 400"})
  void aFreshProcessAnswersDeepJsonAtAndAroundTheLimit(int depth, int status) throws Exception {
    assertThat(AdmissionCodec.MAX_DEPTH).isEqualTo(100);
    Path mapping =
        Files.writeString(dir.resolve("mapping.yaml"), TestResources.text("mutation/mapping.yaml"));
    try (ShippedWebhook webhook = ShippedWebhook.start(dir, mapping)) {
      String answer = webhook.exchange("127.0.0.1", ShippedWebhook.post(labelsNested(depth)));
      assertThat(answer).startsWith("HTTP/1.1 " + status);
      if (status == 400) {
        assertThat(answer).contains("JSON nested deeper than 100 levels");
      } else {
        assertThat(answer).contains("\"uid\":\"deep\"").contains("\"allowed\":true");
      }
      assertThat(webhook.get("/livez")).as("still serving").startsWith("HTTP/1.1 200");
      assertThat(webhook.logText()).doesNotContain("StackOverflowError");
    }
  }
}
