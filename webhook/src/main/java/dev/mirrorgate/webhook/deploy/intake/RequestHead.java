package dev.mirrorgate.webhook.deploy.intake;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the intake reads of a request before its body: the method, the headers, the {@code token}
 * query parameter (for senders that cannot set headers) and the peer's address (for logs).
 */
record RequestHead(String method, MultiMap headers, String queryToken, String remote) {

  static RequestHead of(HttpServerRequest request) {
    return new RequestHead(
        request.method().name(),
        request.headers(),
        request.query() == null ? null : request.getParam("token"),
        request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
  }

  /** {@code Content-Length}, or -1 when absent or not a number (a chunked body). */
  long declaredLength() {
    String value = headers.get("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The registry host the sender names: {@code X-Mirrorgate-Registry-Name}, else {@code
   * X-Argoos-Registry-Name}, else null (the events' {@code request.host} counts).
   */
  String registryName() {
    String name = nonBlank(headers.get("X-Mirrorgate-Registry-Name"));
    return name != null ? name : nonBlank(headers.get("X-Argoos-Registry-Name"));
  }

  /** GitHub's id of a delivery ({@code X-GitHub-Delivery}), the same when GitHub redelivers. */
  String deliveryId() {
    return nonBlank(headers.get("X-GitHub-Delivery"));
  }

  String userAgent() {
    String agent = headers.get("User-Agent");
    return agent == null ? "" : agent;
  }

  private static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
