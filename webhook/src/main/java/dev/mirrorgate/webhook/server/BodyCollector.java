package dev.mirrorgate.webhook.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;

/**
 * Collects a request body into one byte array, sized from {@code Content-Length} when the client
 * sends it (the API server does), so a body is allocated once and never copied. A body over the
 * limit is refused with 413 as soon as that is known, and the connection closed.
 */
final class BodyCollector {
  private final long limit;

  BodyCollector(long limit) {
    this.limit = limit;
  }

  /** Calls {@code onBody} with the whole body, or answers 413 itself. */
  void collect(HttpServerRequest request, Handler<byte[]> onBody) {
    long declared = declaredLength(request);
    if (declared > limit) {
      tooLarge(request);
      return;
    }
    Sink sink = new Sink(declared >= 0 ? (int) declared : 16 * 1024);
    request.handler(
        chunk -> {
          if (sink.refused) {
            return;
          }
          if ((long) sink.size + chunk.length() > limit) {
            sink.refused = true;
            tooLarge(request);
            return;
          }
          sink.append(chunk);
        });
    request.endHandler(
        v -> {
          if (!sink.refused) {
            onBody.handle(sink.bytes());
          }
        });
  }

  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader("Content-Length");
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void tooLarge(HttpServerRequest request) {
    Answer answer = Answer.error(413, "request body exceeds " + (limit / (1024 * 1024)) + " MiB");
    request
        .response()
        .setStatusCode(answer.status())
        .putHeader("Content-Type", answer.contentType())
        .putHeader("Connection", "close")
        .end(Buffer.buffer(answer.body()))
        .onComplete(done -> request.connection().close());
  }

  private static final class Sink {
    private byte[] bytes;
    private int size;
    private boolean refused;

    Sink(int capacity) {
      bytes = new byte[capacity];
    }

    void append(Buffer chunk) {
      int length = chunk.length();
      if (size + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
      }
      chunk.getBytes(0, length, bytes, size);
      size += length;
    }

    byte[] bytes() {
      return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
  }
}
