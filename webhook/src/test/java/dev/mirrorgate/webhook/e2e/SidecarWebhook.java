package dev.mirrorgate.webhook.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.certs.IssuedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Another mutating webhook, as a service mesh would run one: it adds a {@code sidecar} container
 * (image {@value #IMAGE}) to Pods that have none. Registered after mirrorgate, it makes the API
 * server reinvoke mirrorgate.
 */
final class SidecarWebhook implements AutoCloseable {
  static final String IMAGE = "busybox:1.36";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] NO_PASSWORD = new char[0];

  private final HttpsServer server;
  private final AtomicInteger calls = new AtomicInteger();

  SidecarWebhook(IssuedCertificate serving) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "serving",
        serving.privateKey(),
        NO_PASSWORD,
        serving.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, NO_PASSWORD);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(factory.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext("/mutate", this::handle);
    server.start();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/mutate";
  }

  int calls() {
    return calls.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      JsonNode request = JSON.readTree(exchange.getRequestBody()).path("request");
      ObjectNode response = JSON.createObjectNode();
      response.put("uid", request.path("uid").asText());
      response.put("allowed", true);
      boolean hasSidecar = false;
      for (JsonNode container : request.path("object").path("spec").path("containers")) {
        hasSidecar |= "sidecar".equals(container.path("name").asText());
      }
      if (!hasSidecar) {
        ArrayNode patch = JSON.createArrayNode();
        ObjectNode add = patch.addObject().put("op", "add").put("path", "/spec/containers/-");
        add.putObject("value").put("name", "sidecar").put("image", IMAGE);
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
      }
      ObjectNode review = JSON.createObjectNode();
      review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
      review.set("response", response);
      byte[] body = JSON.writeValueAsString(review).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
