package dev.mirrorgate.webhook.deploy.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.webhook.owned.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A misbehaving registry on 127.0.0.1 (HTTPS with a leaf of the given CA), for what Debian's {@code
 * docker-registry} cannot be made to do: answer 429 with {@code Retry-After}, 502, garbage, an
 * endless or foreign {@code Link}, an oversized answer, a manifest HEAD without a digest, or never
 * answer. The first path component after {@code /v2/} picks the behaviour; every request is
 * recorded.
 */
final class StubRegistry implements AutoCloseable {
  static final String MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\"sha256:"
          + "0".repeat(64)
          + "\",\"size\":2},\"layers\":[]}";

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch released = new CountDownLatch(1);
  private final List<String> requests = new ArrayList<>();

  StubRegistry(dev.mirrorgate.certs.IssuedCertificate leaf) throws Exception {
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(TestCa.serverContext(leaf)));
    server = https;
    server.setExecutor(threads);
    server.createContext("/v2/", this::handle);
    server.start();
  }

  String authority() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  Repository repository(String behaviour) {
    return new Repository(authority(), behaviour + "/app");
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      synchronized (this) {
        requests.add(method + " " + exchange.getRequestURI());
      }
      String behaviour = path.substring("/v2/".length()).split("/")[0];
      var headers = exchange.getResponseHeaders();
      switch (behaviour) {
        case "limited" -> {
          headers.add("Retry-After", "120");
          send(
              exchange,
              429,
              "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}");
        }
        case "unavailable" -> {
          headers.add("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT");
          send(exchange, 503, "");
        }
        case "paged" -> {
          // distribution 3's pagination: sorted tags after "last", n of them, a Link while more
          List<String> all = List.of("1.0.0", "1.1.0", "1.2.0", "2.0.0", "latest");
          String query = exchange.getRequestURI().getQuery();
          String last = param(query, "last");
          int n = Integer.parseInt(param(query, "n"));
          List<String> after =
              all.stream().filter(t -> last == null || t.compareTo(last) > 0).toList();
          List<String> page = after.subList(0, Math.min(n, after.size()));
          if (after.size() > n) {
            headers.add(
                "Link",
                "</v2/paged/app/tags/list?last=" + page.getLast() + "&n=" + n + ">; rel=\"next\"");
          }
          send(
              exchange,
              200,
              "{\"name\":\"paged/app\",\"tags\":["
                  + String.join(",", page.stream().map(t -> "\"" + t + "\"").toList())
                  + "]}");
        }
        case "broken" -> send(exchange, 502, "<html>bad gateway</html>");
        case "garbage" -> send(exchange, 200, "<html>this is not the registry API</html>");
        case "badtags" -> send(exchange, 200, "{\"name\":\"badtags/app\",\"tags\":\"1.0\"}");
        case "loop" -> {
          headers.add("Link", "<" + path + "?n=1000>; rel=\"next\"");
          send(exchange, 200, "{\"tags\":[\"a\"]}");
        }
        case "elsewhere" -> {
          headers.add("Link", "<https://collector.example/v2/x/tags/list?last=a>; rel=\"next\"");
          send(exchange, 200, "{\"tags\":[\"a\"]}");
        }
        case "huge" -> {
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk = ("\"" + "x".repeat(1022) + "\",").getBytes(StandardCharsets.US_ASCII);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write("{\"tags\":[".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 6 * 1024; i++) {
              out.write(chunk);
            }
          } catch (IOException e) {
            // the client hung up past its bound: expected
          }
        }
        case "nodigest" -> {
          headers.add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
          if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
          } else {
            send(exchange, 200, MANIFEST);
          }
        }
        case "baddigest" -> {
          headers.add("Docker-Content-Digest", "sha256:not-a-digest");
          exchange.sendResponseHeaders(200, -1);
        }
        case "hang" -> {
          try {
            released.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        default -> send(exchange, 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}");
      }
    }
  }

  private static String param(String query, String name) {
    for (String p : query == null ? new String[0] : query.split("&")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
