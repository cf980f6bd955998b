package dev.mirrorgate.webhook.mapping;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A plain-HTTP pass-through to the real API server that can make a watch expire the way the API
 * server does when a resource version is too old: the open watch ends, and the next one is answered
 * with an ERROR event carrying a 410 Gone Status. Everything else is forwarded as is.
 */
final class ExpiringWatchProxy implements AutoCloseable {
  private static final String GONE =
      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
          + "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (2)\","
          + "\"reason\":\"Expired\",\"code\":410}}\n";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final OkHttpClient upstream;
  private final String upstreamUrl;
  private final Set<Call> openWatches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean expireNextWatch = new AtomicBoolean();
  private final AtomicInteger lists = new AtomicInteger();
  private final AtomicInteger expired = new AtomicInteger();

  /**
   * @param upstream an HTTP client that trusts the API server (authorization headers are passed on)
   */
  ExpiringWatchProxy(OkHttpClient upstream, String upstreamUrl) throws IOException {
    this.upstream = upstream;
    this.upstreamUrl = upstreamUrl;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::forward);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Ends the open watches; the next watch request gets 410 Gone. */
  void expireWatches() {
    expireNextWatch.set(true);
    openWatches.forEach(Call::cancel);
  }

  /** Watches currently streaming. */
  int openWatches() {
    return openWatches.size();
  }

  /** List requests seen (not watches). */
  int lists() {
    return lists.get();
  }

  /** Watches answered with 410 Gone. */
  int expired() {
    return expired.get();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = String.valueOf(exchange.getRequestURI().getRawQuery());
      boolean watch = query.contains("watch=true");
      if (watch && expireNextWatch.getAndSet(false)) {
        expired.incrementAndGet();
        byte[] body = GONE.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      if (!watch && "GET".equals(exchange.getRequestMethod())) {
        lists.incrementAndGet();
      }
      Request.Builder request = new Request.Builder().url(upstreamUrl + exchange.getRequestURI());
      for (String header : List.of("Authorization", "Accept", "Content-Type", "User-Agent")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      byte[] requestBody = exchange.getRequestBody().readAllBytes();
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      request.method(
          exchange.getRequestMethod(),
          requestBody.length == 0 && "GET".equals(exchange.getRequestMethod())
              ? null
              : RequestBody.create(
                  requestBody, contentType == null ? null : MediaType.parse(contentType)));
      Call call = upstream.newCall(request.build());
      if (watch) {
        openWatches.add(call);
      }
      try (Response response = call.execute()) {
        String type = response.header("Content-Type");
        if (type != null) {
          exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(response.code(), 0);
        copy(response.body().byteStream(), exchange.getResponseBody());
      } catch (IOException cancelled) {
        // expireWatches() cancelled the upstream call: end this response cleanly, as a watch
        // that timed out on the server would.
      } finally {
        openWatches.remove(call);
      }
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  @Override
  public void close() {
    openWatches.forEach(Call::cancel);
    server.stop(0);
    executor.shutdownNow();
  }
}
