package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.data.ChangeFeed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /events}: server-sent events telling open pages that what they show changed ({@code
 * event: changed}), at most one every {@value #COALESCE_MS} ms, with a comment line every {@value
 * #PING_MS} ms so proxies keep the stream open. At most {@value #MAX_STREAMS} streams.
 */
final class LiveEvents {
  static final long COALESCE_MS = 250;
  static final long PING_MS = 20_000;
  static final int MAX_STREAMS = 200;

  private final Vertx vertx;
  private final ChangeFeed changes;
  private final Answers answers;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  LiveEvents(Vertx vertx, ChangeFeed changes, Answers answers) {
    this.vertx = vertx;
    this.changes = changes;
    this.answers = answers;
    changes.listen(version -> schedule());
    vertx.setPeriodic(PING_MS, id -> streams.forEach(s -> write(s, ": ping\n\n")));
  }

  void open(RoutingContext ctx) {
    if (streams.size() >= MAX_STREAMS) {
      answers.error(ctx, 503, "too many live pages open; they fall back to polling");
      return;
    }
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader("X-Accel-Buffering", "no");
    streams.add(response);
    response.closeHandler(v -> streams.remove(response));
    response.endHandler(v -> streams.remove(response));
    write(response, "retry: 5000\nevent: hello\ndata: " + changes.version() + "\n\n");
  }

  int open() {
    return streams.size();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      vertx.setTimer(
          COALESCE_MS,
          id -> {
            scheduled.set(false);
            String event = "event: changed\ndata: " + changes.version() + "\n\n";
            streams.forEach(s -> write(s, event));
          });
    }
  }

  private void write(HttpServerResponse response, String text) {
    if (response.closed() || response.ended()) {
      streams.remove(response);
      return;
    }
    response.write(text);
  }
}
