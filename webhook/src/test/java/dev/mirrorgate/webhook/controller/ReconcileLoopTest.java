package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mirrorgate.webhook.kube.KubeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ReconcileLoopTest {
  private final ch.qos.logback.classic.Logger logger =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ReconcileLoop.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final LogstashEncoder json = new LogstashEncoder();
  private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
  private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

  /** Records each key; "bad" fails its first attempt (an API error, retried with backoff). */
  private final Reconciler reconciler =
      new Reconciler() {
        @Override
        public String name() {
          return "test";
        }

        @Override
        public Result reconcile(String key) throws Exception {
          if (key.equals("bad") && failedOnce.add(key)) {
            throw new KubeException(500, "the API server failed");
          }
          reconciled.add(key);
          return Result.done();
        }
      };

  @BeforeEach
  void capture() {
    lines.start();
    json.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  private List<String> passLines() {
    return lines.list.stream()
        .filter(e -> e.getFormattedMessage().equals("reconciled every key queued"))
        .map(e -> new String(json.encode(e), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void logsOnceWhenEveryKeyOfAPassHasBeenReconciledCountingFirstAttemptsThatFailed() {
    try (ReconcileLoop loop =
        new ReconcileLoop(reconciler, 2, () -> true, new ControllerMetrics())) {
      loop.start();
      loop.enqueuePass(List.of("a", "b", "bad"), "became leader");

      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions() // the appender's list is written by the workers meanwhile
          .until(() -> passLines().size() == 1);
      assertThat(reconciled).containsExactlyInAnyOrder("a", "b", "bad");
      List<String> pass = passLines();
      assertThat(pass).hasSize(1);
      assertThat(pass.get(0))
          .contains("\"controller\":\"test\"")
          .contains("\"why\":\"became leader\"")
          .contains("\"keys\":3")
          .contains("\"failed\":1")
          .contains("\"millis\":");
    }
  }

  @Test
  void keysQueuedOneByOneMakeNoPassLine() {
    try (ReconcileLoop loop =
        new ReconcileLoop(reconciler, 2, () -> true, new ControllerMetrics())) {
      loop.start();
      loop.enqueue("a");
      loop.enqueue("b");

      await().atMost(Duration.ofSeconds(10)).until(() -> reconciled.size() == 2);
      assertThat(passLines()).isEmpty();
    }
  }

  @Test
  void aReplicaThatDoesNotLeadReconcilesNothingAndLogsNoPass() {
    try (ReconcileLoop loop =
        new ReconcileLoop(reconciler, 2, () -> false, new ControllerMetrics())) {
      loop.start();
      loop.enqueuePass(List.of("a", "b"), "became leader");

      await().atMost(Duration.ofSeconds(10)).until(() -> loop.waiting() == 0);
      assertThat(reconciled).isEmpty();
      assertThat(passLines()).isEmpty();
    }
  }
}
