package dev.mirrorgate.webhook.server;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
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

  /** A body: {@code length} bytes of {@code array} from {@code offset}. */
  record Body(byte[] array, int offset, int length) {}

  /** Calls {@code onBody} with the whole body, or answers 413 itself. */
  void collect(HttpServerRequest request, Handler<Body> onBody) {
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
            onBody.handle(sink.body());
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

  /**
   * Accumulates chunks. A body that arrives as one chunk (the usual case for an admission review)
   * is used in place: Vert.x hands each chunk over as a heap buffer of its own, safe to keep, so
   * its array is parsed without another copy. Only a second chunk starts an array of our own.
   */
  private static final class Sink {
    private final int capacity;
    private Buffer first;
    private byte[] bytes;
    private int size;
    private boolean refused;

    Sink(int capacity) {
      this.capacity = capacity;
    }

    void append(Buffer chunk) {
      int length = chunk.length();
      if (bytes == null && first == null) {
        first = chunk;
        size = length;
        return;
      }
      if (bytes == null) {
        bytes = new byte[Math.max(capacity, size + length)];
        first.getBytes(0, size, bytes, 0);
        first = null;
      }
      if (size + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
      }
      chunk.getBytes(0, length, bytes, size);
      size += length;
    }

    Body body() {
      if (first != null) {
        ByteBuf buf = ((BufferInternal) first).getByteBuf();
        if (buf.hasArray()) {
          return new Body(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        return new Body(first.getBytes(), 0, size);
      }
      return bytes == null ? new Body(new byte[0], 0, 0) : new Body(bytes, 0, size);
    }
  }
}
