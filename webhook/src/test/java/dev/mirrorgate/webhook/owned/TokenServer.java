package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mirrorgate.certs.IssuedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A registry token server (the Bearer realm of distribution's {@code auth.token}), as Docker Hub,
 * GHCR, Quay and Harbor run one: it authenticates HTTP Basic credentials against one htpasswd line
 * (bcrypt) and answers with an ES256 JWT granting the requested repository scopes, signed by a leaf
 * whose CA the registry's {@code rootcertbundle} holds. Anonymous requests get 401.
 */
public final class TokenServer implements AutoCloseable {
  public static final String ISSUER = "mirrorgate-test-token-issuer";
  public static final String SERVICE = "upstream-registry";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpsServer server;
  private final IssuedCertificate signer;
  private final String user;
  private final String bcryptHash;

  /** Serves on 127.0.0.1 over TLS with {@code leaf}, which also signs the tokens. */
  public TokenServer(IssuedCertificate leaf, String htpasswdLine) throws Exception {
    this.signer = leaf;
    int colon = htpasswdLine.indexOf(':');
    this.user = htpasswdLine.substring(0, colon);
    this.bcryptHash = htpasswdLine.substring(colon + 1).strip();
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestCa.serverContext(leaf)));
    server.createContext("/token", this::token);
    server.start();
  }

  public String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (!authenticated(authorization)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"token\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      ArrayNode access = JSON.createArrayNode();
      String query = exchange.getRequestURI().getRawQuery();
      for (String param : query == null ? new String[0] : query.split("&")) {
        if (param.startsWith("scope=")) {
          String scope = URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8);
          String[] parts = scope.split(":");
          ObjectNode grant = access.addObject();
          grant.put("type", parts[0]);
          grant.put("name", parts[1]);
          ArrayNode actions = grant.putArray("actions");
          for (String action : parts[2].split(",")) {
            actions.add(action);
          }
        }
      }
      byte[] body =
          JSON.writeValueAsBytes(
              JSON.createObjectNode().put("token", jwt(access)).put("expires_in", 300));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return false;
    }
    String decoded =
        new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return colon > 0
        && decoded.substring(0, colon).equals(user)
        && OpenBSDBCrypt.checkPassword(bcryptHash, decoded.substring(colon + 1).toCharArray());
  }

  private String jwt(ArrayNode access) throws Exception {
    ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "ES256");
    header
        .putArray("x5c")
        .add(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()));
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", user);
    claims.put("aud", SERVICE);
    claims.put("exp", now + 300);
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
