package dev.mirrorgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingAppenderTest {
  private final LoggerContext context = new LoggerContext();
  private final Collecting target = new Collecting();
  private BatchingAppender appender;

  /** Keeps what it is given; holds the writer while {@link #gate} is closed. */
  private static final class Collecting extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    protected void append(ILoggingEvent event) {
      entered.countDown();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add(event);
    }
  }

  private BatchingAppender start(int capacity) {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    target.setContext(context);
    target.start();
    appender = new BatchingAppender(target, capacity, Duration.ofMillis(10));
    appender.setContext(context);
    appender.start();
    var logger = context.getLogger("test");
    logger.setAdditive(false);
    logger.addAppender(appender);
    return appender;
  }

  @AfterEach
  void stop() {
    target.gate.countDown();
    appender.stop();
  }

  private List<String> messages() {
    return target.events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void everyEventFromEveryThreadArrivesInItsThreadsOrderWithItsThreadName() throws Exception {
    start(1024);
    var logger = context.getLogger("test");
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 200; i++) {
                  logger.info("{} {}", id, i);
                }
              },
              "logger-" + t);
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> target.events.size() == 800);
    for (int t = 0; t < threads.length; t++) {
      String prefix = t + " ";
      String name = "logger-" + t;
      List<ILoggingEvent> own =
          target.events.stream().filter(e -> e.getFormattedMessage().startsWith(prefix)).toList();
      assertThat(own).extracting(ILoggingEvent::getThreadName).containsOnly(name);
      assertThat(own)
          .extracting(e -> Integer.parseInt(e.getFormattedMessage().substring(prefix.length())))
          .isSorted()
          .hasSize(200);
    }
    assertThat(appender.dropped()).isZero();
  }

  @Test
  void aFullQueueDropsWithoutBlockingAndTheDropIsReportedInTheLog() throws Exception {
    start(8);
    var logger = context.getLogger("test");
    target.gate = new CountDownLatch(1);
    logger.info("first"); // taken by the writer, which then waits at the gate
    assertThat(target.entered.await(5, TimeUnit.SECONDS)).isTrue();
    long started = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      logger.info("queued {}", i);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(appender.dropped()).isEqualTo(12);
    target.gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> target.events.size() == 10);
    assertThat(messages())
        .startsWith("first", "queued 0", "queued 1")
        .contains("queued 7")
        .doesNotContain("queued 8");
    ILoggingEvent report = target.events.get(9);
    assertThat(report.getLevel()).isEqualTo(Level.WARN);
    assertThat(report.getFormattedMessage())
        .isEqualTo(
            "12 log lines dropped: the queue of 8 was full (stderr slower than the process logs)");
  }

  /** Lines reach a buffered stream a batch at a time: one flush, so one write, per batch. */
  @Test
  void aBufferedTargetIsFlushedOncePerBatch() throws Exception {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    int[] flushes = {0};
    java.io.ByteArrayOutputStream bytes =
        new java.io.ByteArrayOutputStream() {
          @Override
          public void flush() {
            flushes[0]++;
          }
        };
    ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> stream =
        new ch.qos.logback.core.OutputStreamAppender<>();
    stream.setContext(context);
    ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder =
        new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    stream.setEncoder(encoder);
    stream.setOutputStream(bytes);
    stream.setImmediateFlush(false);
    stream.start();
    appender = new BatchingAppender(stream, 1024, Duration.ofMillis(10));
    appender.setContext(context);
    appender.start();
    var logger = context.getLogger("buffered");
    logger.setAdditive(false);
    logger.addAppender(appender);
    for (int i = 0; i < 500; i++) {
      logger.info("line {}", i);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().count() == 500);
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
        .startsWith("line 0", "line 1")
        .endsWith("line 499");
    assertThat(flushes[0]).as("flushes for 500 lines").isBetween(1, 50);
  }

  @Test
  void aWriterAsleepAfterAQuietSpellWakesForTheNextEvent() {
    start(1024);
    var logger = context.getLogger("test");
    logger.info("before");
    await().atMost(Duration.ofSeconds(5)).until(() -> target.events.size() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> appender.writerState() == Thread.State.WAITING); // parked without a timeout
    logger.info("after");
    await().atMost(Duration.ofSeconds(1)).until(() -> target.events.size() == 2);
    assertThat(messages()).containsExactly("before", "after");
  }

  @Test
  void stoppingWritesWhatIsQueuedAndStopsTheTarget() throws Exception {
    start(1024);
    var logger = context.getLogger("test");
    target.gate = new CountDownLatch(1);
    logger.info("first");
    assertThat(target.entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      logger.info("queued {}", i);
    }
    target.gate.countDown();
    appender.stop();
    assertThat(messages())
        .containsExactly("first", "queued 0", "queued 1", "queued 2", "queued 3", "queued 4");
    assertThat(target.isStarted()).isFalse();
    logger.info("after the stop");
    assertThat(messages()).doesNotContain("after the stop");
  }
}
