package dev.mirrorgate.agent.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code /healthz} (last apply succeeded, or the agent stopped after a cleanup), {@code /readyz} (a
 * first apply succeeded) and {@code /metrics} on the JDK's small HTTP server.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  public HealthServer(InetSocketAddress address, AgentMetrics metrics) throws IOException {
    server = HttpServer.create(address, 8);
    server.createContext(
        "/healthz",
        ex -> {
          AgentMetrics.LastApply l = metrics.last();
          if (metrics.isStopped()) {
            send(ex, 200, "ok: stopped after cleanup\n", "text/plain");
          } else if (l == null || l.ok()) {
            send(ex, 200, "ok\n", "text/plain");
          } else {
            send(ex, 503, "last apply failed: " + l.error() + "\n", "text/plain");
          }
        });
    server.createContext(
        "/readyz",
        ex ->
            send(
                ex,
                metrics.ready() ? 200 : 503,
                metrics.ready() ? "ready\n" : "no successful apply yet\n",
                "text/plain"));
    server.createContext(
        "/metrics",
        ex -> send(ex, 200, metrics.prometheus(), "text/plain; version=0.0.4; charset=utf-8"));
    server.setExecutor(null);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
