package dev.mirrorgate.webhook.server;

import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Locale;

/**
 * Request hygiene for {@code POST /mutate} in one place, like controller-runtime's {@code
 * ServeHTTP}: content type, declared length, {@code Expect}, body size and the shared body budget
 * are all checked here, and every refusal is one call to {@link #refuse} that builds the answer,
 * counts it and decides whether the connection can stay. Only a body that passed every check
 * reaches {@link AdmissionService}.
 *
 * <p>A one-chunk body, the usual admission review, is decoded in place from the chunk Vert.x
 * delivers. A longer one is decoded while it arrives, on a virtual thread reading a {@link
 * BodyStream}: the request is paused whenever a few hundred KiB wait, so a body of megabytes never
 * sits in memory whole. When both stream slots of the {@link BodyBudget} are taken, a longer body
 * is gathered off the heap instead, in one native buffer of the declared length (freed the moment
 * it is decoded), and decoded on the event loop. Either way the heap only sees short-lived chunks,
 * and the body's bytes are taken from the budget as they arrive and given back once it is answered,
 * or when the request dies.
 */
final class AdmissionIntake {
  /**
   * Where a body of several chunks is gathered: off the heap, unpooled, so that its memory goes
   * back to the system the moment it is released. That needs Netty's Unsafe access, which the
   * shipped flags grant ({@code --sun-misc-unsafe-memory-access=allow -Dio.netty.noUnsafe=false});
   * without it Java 25 frees a direct buffer only when a GC finds it, so bodies go on the heap.
   */
  private static final ByteBufAllocator GATHER =
      PlatformDependent.hasUnsafe()
          ? new UnpooledByteBufAllocator(true, true)
          : new UnpooledByteBufAllocator(false, true);

  private final ServerLimits limits;
  private final BodyBudget budget;
  private final AdmissionService admission;
  private final WebhookMetrics metrics;
  private final Responder responder;

  /** Sends answers and tells the connection's deadlines that the request is done. */
  interface Responder {
    void send(HttpServerRequest request, Answer answer, boolean close);
  }

  AdmissionIntake(
      ServerLimits limits,
      BodyBudget budget,
      AdmissionService admission,
      WebhookMetrics metrics,
      Responder responder) {
    this.limits = limits;
    this.budget = budget;
    this.admission = admission;
    this.metrics = metrics;
    this.responder = responder;
  }

  void handle(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      refuse(
          request,
          "content_type",
          Answer.error(
              415,
              "unsupported Content-Type \"" + Answer.clip(type) + "\": expected application/json"),
          true);
      return;
    }
    long declared;
    try {
      declared = declaredLength(request);
    } catch (NumberFormatException e) {
      refuse(request, "bad_length", Answer.error(400, "Content-Length is not a number"), true);
      return;
    }
    if (declared > limits.maxBodyBytes()) {
      refuse(request, "too_large", tooLarge(), true);
      return;
    }
    String expect = request.getHeader("Expect");
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        refuse(
            request,
            "expect",
            Answer.error(417, "only \"Expect: 100-continue\" is understood"),
            true);
        return;
      }
      request.response().writeContinue();
    }
    Body body = new Body(request, declared);
    request.handler(body::chunk);
    request.endHandler(v -> body.end());
    request.exceptionHandler(e -> body.died());
    request.response().closeHandler(v -> body.died());
  }

  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader("Content-Length");
    return header == null ? -1 : Long.parseLong(header.trim());
  }

  private static Answer overBudget() {
    return Answer.error(
            503,
            "the webhook holds as many request bodies as it can; retry shortly (the API server"
                + " fails open meanwhile)")
        .retryAfter(1);
  }

  private Answer tooLarge() {
    return Answer.error(
        413, "request body exceeds " + (limits.maxBodyBytes() / (1024 * 1024)) + " MiB");
  }

  /**
   * The one way a request is refused: the answer, a metric by reason, and the connection closed
   * when the body was not read to its end (the rest of it would be read as the next request).
   */
  private void refuse(HttpServerRequest request, String reason, Answer answer, boolean close) {
    metrics.requestRefused(reason);
    responder.send(request, answer, close);
  }

  /** One request's body: its chunks, and the bytes of the budget they hold. */
  private final class Body {
    private final HttpServerRequest request;
    private final long declared;
    private final Context context = Vertx.currentContext();
    private Buffer first;
    private ByteBuf gathered;
    private BodyStream stream;
    private long size;
    private long held;
    private boolean arrived;
    private boolean done;

    Body(HttpServerRequest request, long declared) {
      this.request = request;
      this.declared = declared;
    }

    void chunk(Buffer chunk) {
      if (done) {
        return;
      }
      int length = chunk.length();
      if (size + length > limits.maxBodyBytes()) {
        fail("too_large", tooLarge());
        return;
      }
      if (!budget.take(length)) {
        fail("budget", overBudget());
        return;
      }
      held += length;
      size += length;
      if (first == null && gathered == null && stream == null) {
        first = chunk;
        return;
      }
      if (stream == null && gathered == null && !streamOrGather()) {
        return;
      }
      ByteBuf bytes = ((BufferInternal) chunk).getByteBuf();
      if (stream != null) {
        if (stream.offer(bytes)) {
          request.pause();
        }
      } else {
        gathered.writeBytes(bytes);
      }
    }

    /**
     * A second chunk came: the body is decoded while it arrives if a stream slot is free, else
     * gathered off the heap. False when neither can be done (the request was refused).
     */
    private boolean streamOrGather() {
      if (budget.startStream()) {
        stream = new BodyStream(() -> context.runOnContext(v -> resume()));
        stream.offer(((BufferInternal) first).getByteBuf());
        first = null;
        Thread.ofVirtual().name("mirrorgate-body").start(this::decodeWhileArriving);
        return true;
      }
      int capacity = declared > 0 ? (int) declared : 64 * 1024;
      try {
        gathered = GATHER.buffer(capacity, limits.maxBodyBytes());
      } catch (OutOfMemoryError e) {
        // MaxDirectMemorySize holds the budget plus Netty's pools; should that ever not do, this
        // request is refused rather than the process brought down.
        fail("budget", overBudget());
        return false;
      }
      gathered.writeBytes(((BufferInternal) first).getByteBuf());
      first = null;
      return true;
    }

    private void resume() {
      if (!done) {
        request.resume();
      }
    }

    /** On a virtual thread: decodes and decides from the stream, then answers on the event loop. */
    private void decodeWhileArriving() {
      Answer answer;
      try {
        answer = admission.handle(stream);
      } catch (RuntimeException e) {
        answer = internalError(e);
      } finally {
        budget.endStream();
      }
      Answer decided = answer;
      context.runOnContext(v -> decided(decided));
    }

    /**
     * The streamed body's answer. A body refused before its end (malformed early on) is answered at
     * once and its connection closed, as the rest of it would be read as the next request.
     */
    private void decided(Answer answer) {
      if (done) {
        return;
      }
      boolean whole = arrived;
      done = true;
      giveBack();
      responder.send(request, answer, !whole);
    }

    private void fail(String reason, Answer answer) {
      done = true;
      giveBack();
      refuse(request, reason, answer, true);
    }

    void end() {
      if (done) {
        return;
      }
      arrived = true;
      if (stream != null) {
        stream.end();
        return;
      }
      done = true;
      Answer answer;
      try {
        answer = decide();
      } catch (RuntimeException e) {
        // AdmissionService answers every decoding problem itself; this is a bug, not the client's.
        answer = internalError(e);
      } finally {
        giveBack();
      }
      responder.send(request, answer, false);
    }

    private Answer decide() {
      if (gathered != null) {
        return admission.handle(new ByteBufInputStream(gathered));
      }
      if (first == null) {
        return admission.handle(new byte[0], 0, 0);
      }
      ByteBuf head = ((BufferInternal) first).getByteBuf();
      if (head.hasArray()) {
        return admission.handle(
            head.array(), head.arrayOffset() + head.readerIndex(), head.readableBytes());
      }
      return admission.handle(new ByteBufInputStream(head));
    }

    /** The request ended without an answer (reset, closed): nothing more is done for it. */
    void died() {
      done = true;
      giveBack();
    }

    /** Releases the chunks and their budget; safe to call more than once. */
    private void giveBack() {
      if (held > 0) {
        budget.giveBack(held);
        held = 0;
      }
      first = null;
      if (stream != null) {
        stream.abort();
      }
      if (gathered != null) {
        gathered.release();
        gathered = null;
      }
    }
  }

  private static Answer internalError(RuntimeException e) {
    return Answer.error(500, "internal error: " + e.getClass().getSimpleName());
  }
}
