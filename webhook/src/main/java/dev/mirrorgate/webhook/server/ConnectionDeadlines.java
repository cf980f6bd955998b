package dev.mirrorgate.webhook.server;

import io.vertx.core.http.HttpConnection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One event loop's connections and the time each must make progress by. Between requests a
 * connection has {@link ServerLimits#idleTimeout()} to deliver a complete request header, counted
 * from when it opened or was last answered, so a client that trickles a header byte now and then
 * cannot extend it; once the header is in, {@link ServerLimits#requestTimeout()} to deliver the
 * body and be answered. A sweep once a second closes whatever is late: O(connections) a second
 * instead of a timer per request. Confined to its event loop.
 */
final class ConnectionDeadlines {
  private final long idleNanos;
  private final long requestNanos;
  private final AtomicLong closedIdle;
  private final AtomicLong closedSlow;
  private final Map<HttpConnection, Deadline> open = new IdentityHashMap<>();

  private static final class Deadline {
    long at;
    int inFlight;
  }

  ConnectionDeadlines(ServerLimits limits, AtomicLong closedIdle, AtomicLong closedSlow) {
    this.idleNanos = limits.idleTimeout().toNanos();
    this.requestNanos = limits.requestTimeout().toNanos();
    this.closedIdle = closedIdle;
    this.closedSlow = closedSlow;
  }

  void opened(HttpConnection connection) {
    Deadline deadline = new Deadline();
    deadline.at = System.nanoTime() + idleNanos;
    open.put(connection, deadline);
    connection.closeHandler(v -> open.remove(connection));
  }

  /** A request header arrived: the body and the answer are due within the request timeout. */
  void requestStarted(HttpConnection connection) {
    Deadline deadline = open.get(connection);
    if (deadline != null) {
      deadline.inFlight++;
      deadline.at = System.nanoTime() + requestNanos;
    }
  }

  /** A request was answered: the next header is due within the idle timeout. */
  void answered(HttpConnection connection) {
    Deadline deadline = open.get(connection);
    if (deadline != null && --deadline.inFlight <= 0) {
      deadline.inFlight = 0;
      deadline.at = System.nanoTime() + idleNanos;
    }
  }

  /** Closes every connection past its deadline. */
  void sweep() {
    long now = System.nanoTime();
    List<HttpConnection> late = null;
    for (Map.Entry<HttpConnection, Deadline> entry : open.entrySet()) {
      Deadline deadline = entry.getValue();
      if (now - deadline.at > 0) {
        (deadline.inFlight > 0 ? closedSlow : closedIdle).incrementAndGet();
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(entry.getKey());
      }
    }
    if (late != null) {
      for (HttpConnection connection : late) {
        open.remove(connection);
        connection.close();
      }
    }
  }

  int size() {
    return open.size();
  }
}
