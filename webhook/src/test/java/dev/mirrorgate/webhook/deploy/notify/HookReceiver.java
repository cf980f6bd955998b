package dev.mirrorgate.webhook.deploy.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.webhook.owned.TestCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A notification receiver on 127.0.0.1 over HTTPS (a leaf of a test CA), recording every request
 * and answering as its {@link Behaviour} says: at once, late, or with an error status.
 */
public final class HookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: the status and how long to wait before sending it. */
  public record Answer(int status, long delayMillis) {}

  /** The answer to the n-th request (from 1). */
  @FunctionalInterface
  public interface Behaviour {
    Answer answer(int request);

    static Behaviour accepting() {
      return n -> new Answer(200, 0);
    }
  }

  /** One request as received. */
  public record Received(String path, String contentType, String event, JsonNode body) {}

  private final HttpsServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final Behaviour behaviour;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public HookReceiver(IssuedCertificate leaf, Behaviour behaviour) throws Exception {
    this.behaviour = behaviour;
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestCa.serverContext(leaf)));
    server.setExecutor(handlers);
    server.createContext("/", this::receive);
    server.start();
  }

  /** A URL of this receiver. */
  public String url(String path) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** A URL where nothing listens (a port bound and released). */
  public static String downUrl(String path) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "https://127.0.0.1:" + socket.getLocalPort() + path;
    }
  }

  /** Requests answered with a 2xx, in order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Every request that arrived, answered or not. */
  public int requests() {
    return requests.get();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Answer answer = behaviour.answer(requests.incrementAndGet());
      if (answer.delayMillis() > 0) {
        try {
          Thread.sleep(answer.delayMillis()); // a slow receiver: what is being tested
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (answer.status() / 100 == 2) {
        received.add(
            new Received(
                exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("X-Mirrorgate-Event"),
                JSON.readTree(body)));
      }
      exchange.sendResponseHeaders(answer.status(), -1);
    }
  }

  /** The received bodies' {@code type}s, for the generic webhook. */
  public List<String> types() {
    return received.stream().map(r -> r.body().path("type").asText()).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }

  @Override
  public String toString() {
    return "receiver " + url("/").toLowerCase(Locale.ROOT);
  }
}
