package dev.mirrorgate.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorgate.agent.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch protocol against a scripted API endpoint (the real API server is in ConfigMapWatchIT;
 * it cannot be made to expire a watch on demand): 410 Gone relists, a watch that ends is resumed
 * from the last resourceVersion, failures are retried, and the token file is re-read on every
 * connection.
 */
class ConfigMapWatcherTest {

  @TempDir Path dir;
  HttpServer server;
  final BlockingQueue<String> lists = new LinkedBlockingQueue<>();
  final BlockingQueue<String> watches = new LinkedBlockingQueue<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> seen = new CopyOnWriteArrayList<>();
  final CountDownLatch done = new CountDownLatch(1);
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  Path tokenFile;
  ConfigMapWatcher watcher;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "scripted-api");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/api/v1/namespaces/ns/configmaps", this::handle);
    server.start();
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "t1\n");
    KubeEndpoint endpoint =
        new KubeEndpoint(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            tokenFile,
            null,
            SSLContext.getDefault(),
            "test");
    watcher =
        new ConfigMapWatcher(
            endpoint,
            "ns",
            "mirrors",
            new ConfigMapWatcher.Listener() {
              @Override
              public void present(Map<String, String> data, String resourceVersion) {
                seen.add(data.get("mirrors.yaml") + "@" + resourceVersion);
              }

              @Override
              public void absent() {
                seen.add("absent");
              }
            },
            new Log(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    watcher.close();
    done.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    requests.add(query + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
    boolean watch = query.contains("watch=1");
    String body;
    try {
      body = (watch ? watches : lists).take();
    } catch (InterruptedException e) {
      return;
    }
    int status = body.startsWith("HTTP ") ? Integer.parseInt(body.substring(5, 8)) : 200;
    if (status != 200) {
      body = body.substring(9);
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (body.endsWith("HOLD")) {
        done.await();
      }
    } catch (InterruptedException | IOException e) {
      // the watcher went away
    }
  }

  static String list(String rv, String... items) {
    return "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\""
        + rv
        + "\"},\"items\":["
        + String.join(",", items)
        + "]}";
  }

  static String configMap(String text, String rv) {
    return "{\"metadata\":{\"name\":\"mirrors\",\"resourceVersion\":\""
        + rv
        + "\"},\"data\":{\"mirrors.yaml\":\""
        + text
        + "\"}}";
  }

  static String event(String type, String object) {
    return "{\"type\":\"" + type + "\",\"object\":" + object + "}\n";
  }

  @Test
  void goneRelistsAndAnEndedWatchIsResumedFromTheLastResourceVersion() {
    lists.add(list("10", configMap("a", "10")));
    watches.add(
        event(
            "ERROR",
            "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old\"}"));
    lists.add(list("20", configMap("b", "20")));
    watches.add(
        event("MODIFIED", configMap("c", "21"))
            + event("BOOKMARK", "{\"metadata\":{\"resourceVersion\":\"25\"}}"));
    watches.add(event("DELETED", configMap("c", "30")) + "HOLD");
    watcher.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 4);
    assertThat(seen).containsExactly("a@10", "b@20", "c@21", "absent");
    assertThat(requests).hasSize(5);
    assertThat(requests.get(0))
        .contains("fieldSelector=metadata.name%3Dmirrors")
        .doesNotContain("watch");
    assertThat(requests.get(1))
        .contains("watch=1", "resourceVersion=10", "allowWatchBookmarks=true");
    assertThat(requests.get(2)).doesNotContain("watch=1"); // the relist after 410
    assertThat(requests.get(3)).contains("resourceVersion=20");
    assertThat(requests.get(4)).contains("resourceVersion=25"); // resumed after the bookmark
    assertThat(logs.toString(StandardCharsets.UTF_8)).contains("watch expired; relisting");
  }

  @Test
  void failuresAreRetriedAndTheTokenFileIsReadForEveryConnection() throws Exception {
    lists.add("HTTP 401 {\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}");
    lists.add(list("10"));
    watches.add(event("ADDED", configMap("a", "11")) + "HOLD");
    Files.writeString(tokenFile, "t1\n");
    watcher.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> requests.size() == 1);
    Files.writeString(tokenFile, "t2\n"); // a rotated projected token

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
    assertThat(seen).containsExactly("absent", "a@11");
    assertThat(requests.get(0)).endsWith("auth=Bearer t1");
    assertThat(requests.get(1)).endsWith("auth=Bearer t2");
    assertThat(requests.get(2)).endsWith("auth=Bearer t2");
    assertThat(logs.toString(StandardCharsets.UTF_8))
        .contains("ConfigMap watch failed; retrying", "401 Unauthorized");
  }
}
