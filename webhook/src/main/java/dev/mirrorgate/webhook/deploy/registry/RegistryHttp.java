package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link RegistryClient} reaches a registry: HTTPS (plain HTTP only where {@link RegistryHosts}
 * allows it and the server does not speak TLS), redirects without credentials leaving the registry,
 * the {@code WWW-Authenticate} challenge answered once (Basic, or a Bearer token from the realm,
 * cached), the per-registry throttle and {@code Retry-After}, timeouts, bounded answers, and every
 * failure mapped to a {@link RegistryError.Kind}.
 */
final class RegistryHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("mirrorgate.registry");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,16384}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One logical call: for which repository, with which credentials, counted as what. */
  record Call(
      Repository repository,
      String authority,
      String registryClass,
      Optional<RegistryCredentials> credentials) {
    String scope() {
      return "repository:" + repository.path() + ":pull";
    }

    String where() {
      return authority + "/" + repository.path();
    }
  }

  record Answer(URI uri, int status, HttpHeaders headers, byte[] body) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private final RegistryHosts hosts;
  private final RegistryThrottle throttle;
  private final RegistryMetrics metrics;
  private final Clock clock;
  private final HttpClient http;
  private final BearerTokens tokens;
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Boolean> plainHttp = new ConcurrentHashMap<>();

  private final RegistryClient.Options options;

  RegistryHttp(
      RegistryHosts hosts,
      SSLContext tls,
      RegistryThrottle throttle,
      RegistryMetrics metrics,
      Clock clock,
      RegistryClient.Options options) {
    this.hosts = hosts;
    this.throttle = throttle;
    this.metrics = metrics;
    this.clock = clock;
    this.options = options;
    this.tokens = new BearerTokens(clock);
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(options.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            // its tasks on virtual threads, not a cached pool of platform threads per client
            .executor(task -> Thread.ofVirtual().name("registry-http").start(task))
            .build();
  }

  @Override
  public void close() {
    http.close();
  }

  @FunctionalInterface
  interface Step<T> {
    T run() throws RegistryException, InterruptedException;
  }

  <T> T counted(Call call, String request, Step<T> step)
      throws RegistryException, InterruptedException {
    try {
      T result = step.run();
      metrics.request(call.registryClass(), request, "ok");
      return result;
    } catch (RegistryException e) {
      metrics.request(call.registryClass(), request, e.error().kind().label());
      throw e;
    }
  }

  /**
   * A request to the repository's registry: HTTPS, or plain HTTP where allowed and the server does
   * not speak TLS. When plain HTTP does not work either (a TLS server answers it 400), the TLS
   * failure is the one reported.
   */
  Answer request(Call call, String method, String pathAndQuery, String accept, long max)
      throws RegistryException, InterruptedException {
    String authority = call.authority();
    boolean allowed = hosts.plainHttpAllowed(authority);
    Boolean plain = plainHttp.get(authority);
    RegistryException tlsFailure = null;
    if (!(allowed && Boolean.TRUE.equals(plain))) {
      try {
        Answer answer =
            follow(call, method, URI.create("https://" + authority + pathAndQuery), accept, max);
        if (allowed) {
          plainHttp.put(authority, false);
        }
        return answer;
      } catch (RegistryException e) {
        if (!allowed || e.error().kind() != Kind.TLS || Boolean.FALSE.equals(plain)) {
          throw e;
        }
        tlsFailure = e;
      }
    }
    Answer answer;
    try {
      answer = follow(call, method, URI.create("http://" + authority + pathAndQuery), accept, max);
    } catch (RegistryException e) {
      throw tlsFailure != null ? tlsFailure : e;
    }
    if (tlsFailure != null) {
      if (answer.status() == 400) {
        throw tlsFailure;
      }
      log.info(
          "registry does not speak TLS; using plain HTTP, which it is allowed",
          StructuredArguments.kv("registry", authority),
          StructuredArguments.kv("tlsError", tlsFailure.error().message()));
      plainHttp.put(authority, true);
    }
    return answer;
  }

  /** Follows up to three redirects; credentials never leave the repository's registry. */
  Answer follow(Call call, String method, URI uri, String accept, long max)
      throws RegistryException, InterruptedException {
    URI target = uri;
    for (int hop = 0; ; hop++) {
      Answer answer = authenticated(call, method, target, accept, max);
      int s = answer.status();
      if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
        return answer;
      }
      Optional<String> location = answer.header("Location");
      if (hop >= 3 || location.isEmpty()) {
        throw new RegistryException(
            Kind.REJECTED, call.where() + ": redirected " + (hop + 1) + " times, not following");
      }
      URI next;
      try {
        next = target.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw malformed(call, "redirect to an invalid location");
      }
      if (!allowedScheme(next)) {
        throw new RegistryException(
            Kind.REJECTED, call.where() + ": redirected to plain HTTP " + next.getHost());
      }
      target = next;
    }
  }

  private boolean allowedScheme(URI uri) {
    return "https".equalsIgnoreCase(uri.getScheme())
        || ("http".equalsIgnoreCase(uri.getScheme())
            && uri.getRawAuthority() != null
            && hosts.plainHttpAllowed(uri.getRawAuthority()));
  }

  /** One request, answering a 401 challenge once (Basic, or a Bearer token from the realm). */
  private Answer authenticated(Call call, String method, URI uri, String accept, long max)
      throws RegistryException, InterruptedException {
    String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
    Optional<RegistryCredentials> credentials =
        authority.equals(call.authority()) ? call.credentials() : Optional.empty();
    Challenge known = challenges.get(authority);
    String authorization =
        known == null ? null : authorization(call, known, credentials, call.scope(), false);
    Answer answer = exchange(call, method, uri, accept, max, authorization);
    if (answer.status() != 401) {
      return answer;
    }
    Optional<Challenge> challenge;
    try {
      challenge = Challenge.preferred(answer.headers().allValues("WWW-Authenticate"));
    } catch (IllegalArgumentException e) {
      throw malformed(call, e.getMessage());
    }
    if (challenge.isEmpty()) {
      return answer;
    }
    challenges.put(authority, challenge.get());
    String scope = challenge.get().param("scope").orElse(call.scope());
    String retry = authorization(call, challenge.get(), credentials, scope, authorization != null);
    if (retry == null) {
      return answer;
    }
    return exchange(call, method, uri, accept, max, retry);
  }

  /**
   * The {@code Authorization} for a challenge, or null to go anonymous.
   *
   * @param refused whether an authorization for it was just refused (a cached token is dropped)
   */
  private String authorization(
      Call call,
      Challenge challenge,
      Optional<RegistryCredentials> credentials,
      String scope,
      boolean refused)
      throws RegistryException, InterruptedException {
    if (challenge.isBasic()) {
      return credentials.map(RegistryCredentials::basicAuthorization).orElse(null);
    }
    if (!challenge.isBearer()) {
      return null;
    }
    String realm =
        challenge
            .param("realm")
            .orElseThrow(() -> malformed(call, "a Bearer challenge without a realm"));
    BearerTokens.Key key =
        new BearerTokens.Key(realm, challenge.param("service").orElse(""), scope, credentials);
    if (refused) {
      tokens.forget(key);
    } else {
      Optional<String> held = tokens.get(key);
      if (held.isPresent()) {
        return "Bearer " + held.get();
      }
    }
    return "Bearer " + counted(call, "token", () -> fetchToken(call, key));
  }

  private String fetchToken(Call call, BearerTokens.Key key)
      throws RegistryException, InterruptedException {
    URI realm;
    try {
      realm = URI.create(key.realm());
    } catch (IllegalArgumentException e) {
      throw malformed(call, "the token realm \"" + key.realm() + "\" is not a URL");
    }
    if (!realm.isAbsolute() || realm.getRawAuthority() == null || !allowedScheme(realm)) {
      throw new RegistryException(
          Kind.REJECTED,
          call.where() + ": the token realm " + key.realm() + " is not an HTTPS URL");
    }
    StringBuilder query = new StringBuilder();
    if (!key.service().isEmpty()) {
      query.append("service=").append(URLEncoder.encode(key.service(), StandardCharsets.UTF_8));
    }
    if (!key.scope().isEmpty()) {
      query.append(query.isEmpty() ? "" : "&");
      query.append("scope=").append(URLEncoder.encode(key.scope(), StandardCharsets.UTF_8));
    }
    String separator = realm.getRawQuery() == null ? "?" : "&";
    URI uri = URI.create(key.realm() + (query.isEmpty() ? "" : separator + query));
    String authorization =
        key.credentials().map(RegistryCredentials::basicAuthorization).orElse(null);
    Answer answer =
        exchange(call, "GET", uri, "application/json", options.maxTokenBytes(), authorization);
    String server = "token server " + realm.getRawAuthority();
    if (answer.status() == 401 || answer.status() == 403) {
      throw new RegistryException(
          Kind.UNAUTHORIZED,
          call.where()
              + ": the "
              + server
              + " refused "
              + key.credentials()
                  .map(c -> "the credentials of " + c.username())
                  .orElse("anonymous access")
              + " ("
              + answer.status()
              + ")");
    }
    ok(call, answer, server);
    JsonNode body = json(call, answer, server);
    String token = body.path("token").asText(body.path("access_token").asText(""));
    if (!TOKEN.matcher(token).matches()) {
      throw malformed(call, "the " + server + " answered without a usable token");
    }
    long expiresIn = body.path("expires_in").asLong(0);
    tokens.put(key, token, Duration.ofSeconds(expiresIn >= 1 ? expiresIn : 60));
    return token;
  }

  /** One HTTP exchange: throttled, timed out, bounded; transport failures become kinds. */
  private Answer exchange(
      Call call, String method, URI uri, String accept, long max, String authorization)
      throws RegistryException, InterruptedException {
    String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
    Duration wait = throttle.admit(authority);
    if (!wait.isZero()) {
      Thread.sleep(wait);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(options.requestTimeout())
            .header("User-Agent", options.userAgent())
            .header("Accept", accept)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    CompletableFuture<HttpResponse<byte[]>> sent =
        http.sendAsync(request.build(), BoundedBody.handler(max));
    HttpResponse<byte[]> response;
    try {
      response = sent.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw timeout(call, authority);
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw transportError(call, authority, e.getCause());
    }
    log.debug(
        "registry request",
        StructuredArguments.kv("method", method),
        StructuredArguments.kv("registry", authority),
        StructuredArguments.kv("path", uri.getRawPath()),
        StructuredArguments.kv("status", response.statusCode()));
    Answer answer = new Answer(uri, response.statusCode(), response.headers(), response.body());
    if (answer.status() == 429
        || (answer.status() == 503 && answer.header("Retry-After").isPresent())) {
      Optional<Duration> retryAfter =
          ResponseHeaders.retryAfter(answer.header("Retry-After"), clock.instant());
      retryAfter.ifPresent(d -> throttle.pause(authority, d));
      throw new RegistryException(
          new RegistryError(
              Kind.RATE_LIMITED,
              authority
                  + " answered "
                  + answer.status()
                  + retryAfter.map(d -> " (Retry-After " + d.toSeconds() + "s)").orElse(""),
              retryAfter.orElse(null)));
    }
    return answer;
  }

  private RegistryException timeout(Call call, String authority) {
    return new RegistryException(
        Kind.TIMEOUT,
        authority + " did not answer within " + options.requestTimeout().toSeconds() + "s");
  }

  private RegistryException transportError(Call call, String authority, Throwable cause) {
    Throwable c = cause;
    while (c != null) {
      if (c instanceof HttpTimeoutException) {
        return timeout(call, authority);
      }
      if (c instanceof BoundedBody.TooLargeException) {
        return new RegistryException(Kind.MALFORMED, authority + ": " + c.getMessage());
      }
      if (c instanceof SSLException) {
        return new RegistryException(Kind.TLS, authority + ": TLS failed: " + c.getMessage());
      }
      if (c instanceof ConnectException) {
        return new RegistryException(Kind.UNREACHABLE, authority + ": cannot connect" + detail(c));
      }
      if (c.getCause() == null && c instanceof IOException) {
        return new RegistryException(Kind.UNREACHABLE, authority + ":" + detail(c));
      }
      c = c.getCause();
    }
    return new RegistryException(Kind.UNREACHABLE, authority + ":" + detail(cause));
  }

  private static String detail(Throwable t) {
    String m = t.getMessage();
    return " " + t.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  /** The answer when it is a success; else the failure of its status. */
  static Answer ok(Call call, Answer answer, String what) throws RegistryException {
    int s = answer.status();
    if (s >= 200 && s < 300) {
      return answer;
    }
    String message = call.where() + ": " + what + ": " + s + errorDetail(answer);
    Kind kind =
        switch (s) {
          case 401, 403 -> Kind.UNAUTHORIZED;
          case 404 -> Kind.NOT_FOUND;
          default -> s >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED;
        };
    if (kind == Kind.UNAUTHORIZED) {
      message +=
          call.credentials().isPresent()
              ? " (with the credentials of " + call.credentials().get().username() + ")"
              : " (anonymous: no pull secret has credentials for " + call.authority() + ")";
    }
    throw new RegistryException(kind, message);
  }

  /** The first error of a distribution error body, short and printable. */
  private static String errorDetail(Answer answer) {
    if (answer.body().length == 0) {
      return "";
    }
    try {
      JsonNode error = JSON.readTree(answer.body()).path("errors").path(0);
      String text = (error.path("code").asText("") + " " + error.path("message").asText("")).trim();
      if (text.isEmpty()) {
        return "";
      }
      text = text.replaceAll("[^\\x20-\\x7e]", "?");
      return " " + (text.length() > 160 ? text.substring(0, 160) + "…" : text);
    } catch (IOException e) {
      return "";
    }
  }

  static JsonNode json(Call call, Answer answer, String what) throws RegistryException {
    try {
      JsonNode node = JSON.readTree(answer.body());
      if (node == null || !node.isObject()) {
        throw malformed(call, what + ": the answer is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw malformed(call, what + ": the answer is not JSON");
    }
  }

  static RegistryException malformed(Call call, String why) {
    return new RegistryException(Kind.MALFORMED, call.where() + ": " + why);
  }
}
