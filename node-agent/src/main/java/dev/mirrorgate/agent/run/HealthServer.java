package dev.mirrorgate.agent.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code /healthz} (fails once applies failed {@link AgentMetrics#UNHEALTHY_AFTER} times in a row,
 * or a thread of the agent died), {@code /readyz} (fails while the node does not match the current
 * document: no good apply yet, the last apply failed, the document is refused, the ConfigMap cannot
 * be watched), each saying why, and {@code /metrics} on the JDK's small HTTP server.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  public HealthServer(InetSocketAddress address, AgentMetrics metrics) throws IOException {
    server = HttpServer.create(address, 8);
    server.createContext(
        "/healthz",
        ex -> {
          var problem = metrics.unhealthy();
          if (problem.isPresent()) {
            send(ex, 503, problem.get() + "\n", "text/plain");
          } else {
            send(
                ex,
                200,
                metrics.isStopped() ? "ok: stopped after cleanup\n" : "ok\n",
                "text/plain");
          }
        });
    server.createContext(
        "/readyz",
        ex -> {
          var problem = metrics.notReady();
          send(ex, problem.isPresent() ? 503 : 200, problem.orElse("ready") + "\n", "text/plain");
        });
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
