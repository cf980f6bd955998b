package dev.mirrorgate.webhook.ui;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client of the UI port for tests: trusts exactly the given CA, keeps cookies like a
 * browser, never follows redirects (tests look at them).
 */
public final class UiClient {
  private static final Pattern CSRF =
      Pattern.compile("name=\"(?:csrf|csrf-token)\" (?:value|content)=\"([^\"]+)\"");

  private final HttpClient http;
  private final String base;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

  public UiClient(X509Certificate ca, int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    this.http =
        HttpClient.newBuilder()
            .sslContext(ssl)
            .version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.base = "https://127.0.0.1:" + port;
  }

  public String base() {
    return base;
  }

  public CookieManager cookies() {
    return cookies;
  }

  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** GET with header pairs ({@code name, value, …}). */
  public HttpResponse<String> get(String path, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
  }

  /** POST {@code body} as {@code contentType} (none when null) with header pairs. */
  public HttpResponse<String> post(String path, String contentType, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request, headers);
  }

  /** POSTs a URL-encoded form of {@code name, value, …} pairs. */
  public HttpResponse<String> form(String path, String... fields) throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(java.net.URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
          .append('=')
          .append(java.net.URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
    }
    return post(path, "application/x-www-form-urlencoded", body.toString());
  }

  /** Logs in through the login form; returns the answer to the form's POST. */
  public HttpResponse<String> login(String user, String password) throws Exception {
    String token = csrf(get("/login").body());
    return form("/login", "csrf", token, "next", "/", "username", user, "password", password);
  }

  /** The CSRF token of a page (a form field or the meta element). */
  public static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no CSRF token in the page:\n" + html);
    }
    return m.group(1);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String... headers)
      throws Exception {
    request.timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
