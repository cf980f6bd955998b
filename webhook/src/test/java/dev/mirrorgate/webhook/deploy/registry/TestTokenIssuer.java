package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.webhook.owned.TestCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A registry token issuer (the realm of distribution's {@code auth: token}), for the ITs: over TLS,
 * it checks HTTP Basic credentials against one user (constant-time), optionally grants anonymous
 * pulls, and answers {@code {"token", "expires_in"}} with an ES256 JWT granting the requested
 * scopes, signed by a leaf whose CA is the registry's {@code rootcertbundle}. It records every
 * request (the user, or "anonymous", and the scope) so tests can count token fetches.
 */
final class TestTokenIssuer implements AutoCloseable {
  static final String ISSUER = "mirrorgate-test-issuer";
  static final String SERVICE = "test-registry";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpsServer server;
  private final IssuedCertificate signer;
  private final String user;
  private final byte[] password;
  private final int expiresIn;
  private final List<String> requests = new ArrayList<>();
  private volatile boolean anonymousPulls;

  TestTokenIssuer(IssuedCertificate leaf, String user, String password, int expiresIn)
      throws Exception {
    this.signer = leaf;
    this.user = user;
    this.password = password.getBytes(StandardCharsets.UTF_8);
    this.expiresIn = expiresIn;
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestCa.serverContext(leaf)));
    server.createContext("/token", this::token);
    server.start();
  }

  String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The distribution {@code auth:} block that trusts this issuer. */
  String registryAuth(java.nio.file.Path rootCertBundle) {
    return """
        auth:
          token:
            realm: %s
            service: %s
            issuer: %s
            rootcertbundle: %s
        """
        .formatted(realm(), SERVICE, ISSUER, rootCertBundle);
  }

  void anonymousPulls(boolean allowed) {
    anonymousPulls = allowed;
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String subject = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
      String query = exchange.getRequestURI().getRawQuery();
      List<String> scopes = new ArrayList<>();
      String service = "";
      for (String param : query == null ? new String[0] : query.split("&")) {
        String value =
            URLDecoder.decode(param.substring(param.indexOf('=') + 1), StandardCharsets.UTF_8);
        if (param.startsWith("scope=")) {
          scopes.add(value);
        } else if (param.startsWith("service=")) {
          service = value;
        }
      }
      synchronized (this) {
        requests.add((subject == null ? "refused" : subject) + " " + String.join(" ", scopes));
      }
      if (subject == null || !service.equals(SERVICE)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"token\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      ArrayNode access = JSON.createArrayNode();
      for (String scope : scopes) {
        String[] parts = scope.split(":");
        ObjectNode grant = access.addObject();
        grant.put("type", parts[0]);
        grant.put("name", parts[1]);
        ArrayNode actions = grant.putArray("actions");
        for (String action : parts[2].split(",")) {
          if (!subject.equals("anonymous") || action.equals("pull")) {
            actions.add(action);
          }
        }
      }
      byte[] body =
          JSON.writeValueAsBytes(
              JSON.createObjectNode()
                  .put("token", jwt(subject, access))
                  .put("expires_in", expiresIn));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** The subject: the user, "anonymous" when allowed, or null when refused. */
  private String authenticate(String authorization) {
    if (authorization == null) {
      return anonymousPulls ? "anonymous" : null;
    }
    if (!authorization.startsWith("Basic ")) {
      return null;
    }
    String decoded =
        new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    boolean ok =
        colon > 0
            && decoded.substring(0, colon).equals(user)
            && MessageDigest.isEqual(
                decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8), password);
    return ok ? user : null;
  }

  private String jwt(String subject, ArrayNode access) throws Exception {
    ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "ES256");
    header
        .putArray("x5c")
        .add(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()));
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", subject.equals("anonymous") ? "" : subject);
    claims.put("aud", SERVICE);
    claims.put("exp", now + expiresIn);
    claims.put("nbf", now - 60);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    claims.set("access", access);
    String signingInput =
        URL.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + URL.encodeToString(JSON.writeValueAsBytes(claims));
    Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initSign(signer.privateKey());
    es256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + URL.encodeToString(es256.sign());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
