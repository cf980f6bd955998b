package dev.mirrorgate.webhook.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.webhook.owned.TestCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for mirrorgate's intake: an HTTPS server on 127.0.0.1 that records every request to
 * {@link NotificationEndpoint#PATH} (headers and JSON body) and answers 202.
 */
final class NotificationReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One delivery: the request headers (lower-case names) and its envelope. */
  record Delivery(Map<String, List<String>> headers, JsonNode envelope) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  private final HttpsServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  NotificationReceiver(IssuedCertificate leaf) throws Exception {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestCa.serverContext(leaf)));
    server.createContext(NotificationEndpoint.PATH, this::receive);
    server.start();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + NotificationEndpoint.PATH;
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Every event received so far, in order. */
  List<JsonNode> events() {
    return deliveries.stream()
        .flatMap(
            d ->
                java.util.stream.StreamSupport.stream(
                    d.envelope().path("events").spliterator(), false))
        .toList();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode envelope = JSON.readTree(exchange.getRequestBody());
      Map<String, List<String>> headers = new java.util.HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
      deliveries.add(new Delivery(headers, envelope));
      exchange.sendResponseHeaders(202, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
