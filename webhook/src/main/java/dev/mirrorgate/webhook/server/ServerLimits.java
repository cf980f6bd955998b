package dev.mirrorgate.webhook.server;

import java.time.Duration;

/**
 * The webhook's memory model, as numbers: what one connection and one request may hold, and for how
 * long. Every limit is enforced at the cheapest point: connections at accept (before TLS),
 * deadlines by one sweep per event loop, body bytes as they arrive.
 *
 * @param maxConnections open TCP connections at once (handshaking or not); the next is closed at
 *     accept, which the API server treats as a failed call and fails open
 * @param maxConnectionsPerClient open connections from one client address, so that one client
 *     cannot take every slot
 * @param handshakeTimeout a TLS handshake not done by then is closed
 * @param idleTimeout a connection must send a complete request header within this of opening or of
 *     its last answer, however it trickles; also how long an idle keep-alive connection stays
 * @param requestTimeout a request body must be complete within this of its header (the API server
 *     gives up after 2 s)
 * @param maxBodyBytes the largest body answered; above it, 413
 * @param bodyBudgetBytes request body bytes held at once across all connections; a request that
 *     would go over it gets 503 with {@code Retry-After}
 */
public record ServerLimits(
    int maxConnections,
    int maxConnectionsPerClient,
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration requestTimeout,
    int maxBodyBytes,
    long bodyBudgetBytes) {

  /** What {@code serve} uses; README.md lists these numbers and what they cost. */
  public static final ServerLimits DEFAULTS =
      new ServerLimits(
          512,
          128,
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          7 * 1024 * 1024,
          16L * 1024 * 1024);

  public ServerLimits {
    if (maxConnections < 1 || maxConnectionsPerClient < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (bodyBudgetBytes < maxBodyBytes) {
      throw new IllegalArgumentException("the body budget must hold at least one largest body");
    }
  }
}
