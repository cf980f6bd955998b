package dev.mirrorgate.webhook.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, mapping files: an empty file was loaded as a mapping with no rules (rewriting silently
 * stopped), an unreadable file was not counted, and a long line of rules burned minutes of CPU.
 * Against the jar with the shipped flags, each bad version in turn: rejected, counted once in
 * {@code mirrorgate_mapping_reloads_total{result="invalid"}}, logged once, and the last good
 * mapping keeps rewriting.
 */
class MappingFileLimitsIT {
  private static final String GOOD =
      "mirrors:\n  - source: docker.io\n    target: good.example/hub\n";
  private static final Pattern REJECTED = Pattern.compile("\"message\":\"mapping rejected");

  @TempDir Path dir;

  private Path mapping;
  private ShippedWebhook webhook;

  @org.junit.jupiter.api.AfterEach
  void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
  }

  private void replace(String text) throws IOException {
    Path next = Files.writeString(dir.resolve("next.yaml"), text);
    Files.move(next, mapping, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private double invalid() throws IOException {
    return webhook.metric("mirrorgate_mapping_reloads_total{result=\"invalid\",source=\"file\"}");
  }

  private long rejectedLines() throws IOException {
    Matcher m = REJECTED.matcher(webhook.logText());
    long count = 0;
    while (m.find()) {
      count++;
    }
    return count;
  }

  private void assertStillRewrites() throws IOException {
    assertThat(webhook.exchange("127.0.0.1", ShippedWebhook.post(ShippedWebhook.review(0))))
        .as("the last good mapping keeps serving")
        .startsWith("HTTP/1.1 200")
        .contains("\"patch\"");
    assertThat(webhook.get("/readyz")).startsWith("HTTP/1.1 200");
  }

  private static final Pattern PATCH = Pattern.compile("\"patch\":\"([A-Za-z0-9+/=]+)\"");

  /** The JSON Patch of an admission answer, decoded; "" when it has none. */
  private static String decodedPatch(String answer) {
    Matcher patch = PATCH.matcher(answer);
    return patch.find()
        ? new String(Base64.getDecoder().decode(patch.group(1)), StandardCharsets.UTF_8)
        : "";
  }

  /** Waits for the n-th rejection, then checks that a few more polls add no count and no line. */
  private void awaitRejected(int n) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> invalid() >= n);
    long lines = rejectedLines();
    Thread.sleep(1000); // five polls of 200 ms: none may count or log again (not synchronization)
    assertThat(invalid()).as("counted once per change").isEqualTo(n);
    assertThat(rejectedLines()).as("logged once per change").isEqualTo(lines);
    assertStillRewrites();
  }

  @Test
  void everyBadVersionIsRejectedCountedOnceAndTheLastGoodOneServes() throws Exception {
    mapping = Files.writeString(dir.resolve("mapping.yaml"), GOOD);
    webhook = ShippedWebhook.start(dir, mapping);
    {
      assertStillRewrites();

      replace(""); // what a truncate-then-write looks like in between
      awaitRejected(1);
      assertThat(webhook.logText()).contains("the document is empty (a truncated file?)");

      Files.delete(mapping); // unreadable: gone (a dangling symlink of a ConfigMap volume)
      awaitRejected(2);
      assertThat(webhook.logText()).contains("no such file");

      replace("#" + "x".repeat(1024 * 1024)); // one byte over 1 MiB, read no further
      awaitRejected(3);
      assertThat(webhook.logText()).contains("larger than 1048576 bytes");

      // 10,001 rules on one line: refused at once, not after minutes of CPU
      StringBuilder line = new StringBuilder("mirrors: [");
      for (int i = 0; i <= 10_000; i++) {
        line.append(i == 0 ? "" : ",").append("{source: s").append(i).append(".io, target: t");
        line.append(i).append(".io}");
      }
      replace(line.append("]\n").toString());
      awaitRejected(4);
      assertThat(webhook.logText())
          .contains("10001 mirrors and excludes; a mapping holds at most 10000");

      replace(GOOD.replace("good.example", "next.example"));
      // The last good mapping patches too: wait for the new one's target in the patch (base64).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  decodedPatch(
                          webhook.exchange(
                              "127.0.0.1", ShippedWebhook.post(ShippedWebhook.review(0))))
                      .contains("next.example"));
      assertThat(
              webhook.metric("mirrorgate_mapping_reloads_total{result=\"loaded\",source=\"file\"}"))
          .isEqualTo(2);
    }
  }

  @Test
  void tenThousandRulesOnOneLineLoadQuickly() throws Exception {
    StringBuilder line = new StringBuilder("mirrors: [");
    for (int i = 0; i < 9_999; i++) {
      line.append(i == 0 ? "" : ",").append("{source: s").append(i).append(".io/a/b, target: t");
      line.append(i).append(".io}");
    }
    line.append(",{source: docker.io, target: good.example/hub}]\n");
    mapping = Files.writeString(dir.resolve("mapping.yaml"), line.toString());
    webhook = ShippedWebhook.start(dir, mapping);
    {
      assertStillRewrites();
      assertThat(webhook.logText()).contains("\"rules\":10000");
    }
  }
}
