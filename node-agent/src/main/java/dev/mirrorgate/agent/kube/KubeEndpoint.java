package dev.mirrorgate.agent.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.json.PlainValues;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the API server is and how to authenticate, found the way the ecosystem does: the Pod's
 * ServiceAccount when {@code KUBERNETES_SERVICE_HOST} is set and a token is mounted, else the
 * kubeconfig named by {@code KUBECONFIG} (its first file), else {@code ~/.kube/config}. Only bearer
 * tokens are supported (in-cluster token, kubeconfig {@code token} or {@code tokenFile}); the token
 * file is re-read on every connection because projected ServiceAccount tokens rotate.
 *
 * @param server e.g. {@code https://10.96.0.1:443}
 * @param tokenFile re-read on each call of {@link #token()}; null when {@code token} is fixed
 * @param fixedToken a token from the kubeconfig, or null
 * @param ssl trusts the cluster's CA only
 * @param description for log lines: where this came from
 */
public record KubeEndpoint(
    URI server, Path tokenFile, String fixedToken, SSLContext ssl, String description) {

  /** How long a connection to the API server may take to open. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A request to {@code path} (with its query; appended to the server, which may carry a path
   * prefix behind a proxy), not yet sent: TLS through {@code tls} (trusting the cluster's CA only),
   * the bearer token read now, JSON accepted.
   */
  HttpURLConnection open(String path, SSLSocketFactory tls, Duration readTimeout)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(server + path).toURL().openConnection();
    if (c instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls);
    }
    c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    c.setReadTimeout((int) readTimeout.toMillis());
    c.setRequestProperty("Accept", "application/json");
    String token = token();
    if (token != null && !token.isEmpty()) {
      c.setRequestProperty("Authorization", "Bearer " + token);
    }
    return c;
  }

  /** The standard in-cluster ServiceAccount mount. */
  public static final Path SERVICE_ACCOUNT_DIR =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** The bearer token to send now, or null for none. */
  public String token() throws IOException {
    if (tokenFile != null) {
      return Files.readString(tokenFile).trim();
    }
    return fixedToken;
  }

  /**
   * @param environment the process environment in production, a map in tests
   * @param serviceAccountDir where the in-cluster {@code token} and {@code ca.crt} are mounted
   */
  public static KubeEndpoint find(Map<String, String> environment, Path serviceAccountDir)
      throws IOException {
    String host = environment.get("KUBERNETES_SERVICE_HOST");
    Path token = serviceAccountDir.resolve("token");
    if (host != null && !host.isBlank() && Files.isReadable(token)) {
      String port = environment.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
      String h = host.contains(":") ? "[" + host + "]" : host;
      return new KubeEndpoint(
          URI.create("https://" + h + ":" + port),
          token,
          null,
          sslTrusting(Files.readAllBytes(serviceAccountDir.resolve("ca.crt")), "in-cluster ca.crt"),
          "in-cluster service account");
    }
    return fromKubeconfig(kubeconfigPath(environment));
  }

  static Path kubeconfigPath(Map<String, String> environment) {
    String fromEnv = environment.get("KUBECONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.split(java.io.File.pathSeparator)[0]);
    }
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".kube", "config");
  }

  /** The current context's cluster and user of a kubeconfig file. */
  static KubeEndpoint fromKubeconfig(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException(
          "not running in a cluster and no readable kubeconfig at " + file + " (set KUBECONFIG)");
    }
    Object root;
    try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
      JsonToken t = p.nextToken();
      root = t == null ? null : PlainValues.read(p, t);
    }
    String where = "kubeconfig " + file;
    String contextName = PlainValues.string(root, "current-context");
    if (contextName == null) {
      throw new IOException(where + ": no current-context");
    }
    Object context = named(root, "contexts", contextName, where);
    Object cluster =
        named(root, "clusters", PlainValues.string(context, "context", "cluster"), where);
    Object user = named(root, "users", PlainValues.string(context, "context", "user"), where);
    String server = PlainValues.string(cluster, "cluster", "server");
    if (server == null) {
      throw new IOException(where + ": cluster of context " + contextName + " has no server");
    }
    byte[] ca;
    String caData = PlainValues.string(cluster, "cluster", "certificate-authority-data");
    String caFile = PlainValues.string(cluster, "cluster", "certificate-authority");
    if (caData != null) {
      ca = Base64.getMimeDecoder().decode(caData);
    } else if (caFile != null) {
      ca = Files.readAllBytes(file.resolveSibling(caFile));
    } else {
      throw new IOException(
          where
              + ": the cluster has no certificate-authority(-data); the agent verifies the server");
    }
    String token = PlainValues.string(user, "user", "token");
    String tokenFile = PlainValues.string(user, "user", "tokenFile");
    if (token == null && tokenFile == null) {
      throw new IOException(
          where
              + ": the user has no token or tokenFile (client certificates and exec plugins are"
              + " not supported by the node agent)");
    }
    return new KubeEndpoint(
        URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server),
        token == null ? file.resolveSibling(tokenFile) : null,
        token,
        sslTrusting(ca, where),
        where);
  }

  private static Object named(Object root, String list, String name, String where)
      throws IOException {
    if (PlainValues.at(root, list) instanceof List<?> items) {
      for (Object item : items) {
        if (name != null && name.equals(PlainValues.string(item, "name"))) {
          return item;
        }
      }
    }
    throw new IOException(where + ": no entry named " + name + " in " + list);
  }

  /** A TLS context that trusts exactly the certificates of {@code pem}. */
  static SSLContext sslTrusting(byte[] pem, String source) throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IOException(source + ": no CA certificate found");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException(source + ": cannot read the CA certificate: " + e.getMessage(), e);
    }
  }
}
