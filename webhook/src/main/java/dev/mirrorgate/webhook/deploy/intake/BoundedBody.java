package dev.mirrorgate.webhook.deploy.intake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body of at most {@code limit} bytes. Past the limit nothing more is kept: {@code
 * onTooLarge} runs once, as soon as a chunk crosses it, and the rest of the body is discarded.
 */
final class BoundedBody {
  private final long limit;
  private Buffer body;
  private boolean refused;

  private BoundedBody(long limit, long declared) {
    this.limit = limit;
    this.body = Buffer.buffer(declared >= 0 && declared <= limit ? (int) declared : 4096);
  }

  /** Calls {@code onBody} with the whole body, or {@code onTooLarge}. */
  static void read(
      HttpServerRequest request,
      long limit,
      long declared,
      Consumer<byte[]> onBody,
      Runnable onTooLarge) {
    BoundedBody reader = new BoundedBody(limit, declared);
    request.handler(
        chunk -> {
          if (reader.refused) {
            return;
          }
          if ((long) reader.body.length() + chunk.length() > reader.limit) {
            reader.refused = true;
            reader.body = null;
            onTooLarge.run();
            return;
          }
          reader.body.appendBuffer(chunk);
        });
    request.endHandler(
        end -> {
          if (!reader.refused) {
            onBody.accept(reader.body.getBytes());
          }
        });
  }
}
