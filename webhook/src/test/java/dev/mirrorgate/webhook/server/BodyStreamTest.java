package dev.mirrorgate.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class BodyStreamTest {

  @Test
  void theReaderGetsEveryByteInOrderAcrossChunksAndThenTheEnd() throws Exception {
    byte[] body = new byte[1_000_003];
    new Random(7).nextBytes(body);
    AtomicInteger resumes = new AtomicInteger();
    BodyStream stream = new BodyStream(resumes::incrementAndGet);
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stream.readAllBytes();
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    int pauses = 0;
    for (int offset = 0; offset < body.length; offset += 7_000) {
      int length = Math.min(7_000, body.length - offset);
      if (stream.offer(Unpooled.wrappedBuffer(body, offset, length))) {
        pauses++;
        // a paused sender waits for the reader to catch up, as Netty does
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stream.waiting() == 0);
      }
    }
    stream.end();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(body);
    assertThat(resumes.get()).isEqualTo(pauses);
  }

  @Test
  void theSenderIsToldToPauseAboveTheHighWaterMarkOnceAndResumedAtTheLowOne() throws Exception {
    AtomicInteger resumes = new AtomicInteger();
    BodyStream stream = new BodyStream(resumes::incrementAndGet);
    byte[] chunk = new byte[BodyStream.HIGH_WATER / 4];
    assertThat(stream.offer(Unpooled.wrappedBuffer(chunk))).isFalse();
    assertThat(stream.offer(Unpooled.wrappedBuffer(chunk))).isFalse();
    assertThat(stream.offer(Unpooled.wrappedBuffer(chunk))).isFalse();
    assertThat(stream.offer(Unpooled.wrappedBuffer(chunk))).isFalse();
    assertThat(stream.waiting()).isEqualTo(BodyStream.HIGH_WATER);
    assertThat(stream.offer(Unpooled.wrappedBuffer(new byte[1]))).isTrue();
    assertThat(stream.offer(Unpooled.wrappedBuffer(new byte[1]))).as("already paused").isFalse();

    byte[] into = new byte[BodyStream.HIGH_WATER];
    int read = stream.read(into, 0, BodyStream.HIGH_WATER + 2 - BodyStream.LOW_WATER - 1);
    assertThat(read).isEqualTo(BodyStream.HIGH_WATER + 2 - BodyStream.LOW_WATER - 1);
    assertThat(stream.waiting()).isEqualTo(BodyStream.LOW_WATER + 1);
    assertThat(resumes).as("still above the low water mark").hasValue(0);
    assertThat(stream.read(into, 0, 1)).isEqualTo(1);
    assertThat(resumes).hasValue(1);
  }

  @Test
  void anAbortedStreamFailsTheReaderWaitingAndDropsWhatWaits() throws Exception {
    BodyStream stream = new BodyStream(() -> {});
    stream.offer(Unpooled.wrappedBuffer("{\"a\":".getBytes()));
    byte[] into = new byte[5];
    assertThat(stream.read(into, 0, 5)).isEqualTo(5);
    CompletableFuture<Integer> blocked =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stream.read(new byte[10], 0, 10);
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    stream.abort();
    assertThat(blocked)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IOException.class)
        .withMessage("the request ended before its body did");
    assertThat(stream.offer(Unpooled.wrappedBuffer(new byte[3]))).isFalse();
    assertThat(stream.waiting()).isZero();
    assertThatThrownBy(() -> stream.read(into, 0, 1)).isInstanceOf(IOException.class);
  }

  @Test
  void emptyChunksAreNotQueuedAndTheEndIsMinusOne() throws Exception {
    BodyStream stream = new BodyStream(() -> {});
    assertThat(stream.offer(Unpooled.EMPTY_BUFFER)).isFalse();
    stream.offer(Unpooled.wrappedBuffer(new byte[] {'x'}));
    stream.end();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stream.transferTo(out);
    assertThat(out.toByteArray()).containsExactly('x');
    assertThat(stream.read()).isEqualTo(-1);
  }
}
