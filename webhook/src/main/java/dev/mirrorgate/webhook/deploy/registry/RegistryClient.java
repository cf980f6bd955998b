package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * The registry v2 API as push-to-deploy needs it: a repository's tags ({@code
 * /v2/<name>/tags/list}, {@code n} and {@code Link} pagination, bounded) and a tag's digest (a
 * manifest {@code HEAD} accepting the OCI index and manifest and the Docker manifest list and v2
 * manifest, its {@code Docker-Content-Digest}; a {@code GET} only when the HEAD gives none).
 *
 * <p>Access: HTTPS trusting the given context, plain HTTP only where {@link RegistryHosts} allows
 * it (HTTPS is tried first, and plain HTTP used when the server does not speak TLS); anonymous,
 * Basic, or a Bearer token from the realm of the {@code WWW-Authenticate} challenge (with Basic
 * credentials when given, cached until {@code expires_in}); the challenge is remembered per
 * registry so later requests authenticate at once. Credentials go only to the repository's own
 * registry and its token realm, never across a redirect. Every request passes the {@link
 * RegistryThrottle} (per-registry rate limit, {@code Retry-After} of a 429 or 503), has a timeout
 * and a bounded answer, and every failure is a {@link RegistryException} with a kind.
 *
 * <p>Built on the JDK's {@link HttpClient} rather than Vert.x's WebClient: calls block the poller's
 * own (virtual) threads, never an event loop that serves requests, the JDK client needs no extra
 * dependency, and it takes an {@link SSLContext} directly. HTTP/1.1: the calls are few and small,
 * and it keeps HEAD and plain-HTTP loopback registries (no h2c upgrade) simple.
 */
public final class RegistryClient implements RegistryReader, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("mirrorgate.registry");

  /** The manifest media types a HEAD or GET accepts, indexes first. */
  public static final List<String> MANIFEST_MEDIA_TYPES =
      List.of(
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private static final String MANIFEST_ACCEPT = String.join(", ", MANIFEST_MEDIA_TYPES);
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern PATH =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,16384}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Limits and timeouts.
   *
   * @param connectTimeout to open a connection
   * @param requestTimeout for one request, answer included
   * @param tagsPageSize {@code n} of a tags listing page
   * @param maxTags tags kept per listing; past that the listing is truncated
   * @param maxPages pages followed per listing
   * @param maxListBytes size of one tags page
   * @param maxManifestBytes size of a manifest (GET only when the HEAD had no digest)
   * @param maxTokenBytes size of a token server's answer
   * @param userAgent the {@code User-Agent}
   */
  public record Options(
      Duration connectTimeout,
      Duration requestTimeout,
      int tagsPageSize,
      int maxTags,
      int maxPages,
      long maxListBytes,
      long maxManifestBytes,
      long maxTokenBytes,
      String userAgent) {
    public static final Options DEFAULT =
        new Options(
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            1000,
            10_000,
            100,
            4L << 20,
            4L << 20,
            1L << 20,
            "mirrorgate");

    public Options withTagsPageSize(int n) {
      return new Options(
          connectTimeout,
          requestTimeout,
          n,
          maxTags,
          maxPages,
          maxListBytes,
          maxManifestBytes,
          maxTokenBytes,
          userAgent);
    }

    public Options withTimeouts(Duration connect, Duration request) {
      return new Options(
          connect,
          request,
          tagsPageSize,
          maxTags,
          maxPages,
          maxListBytes,
          maxManifestBytes,
          maxTokenBytes,
          userAgent);
    }

    public Options withMaxTags(int tags, int pages) {
      return new Options(
          connectTimeout,
          requestTimeout,
          tagsPageSize,
          tags,
          pages,
          maxListBytes,
          maxManifestBytes,
          maxTokenBytes,
          userAgent);
    }
  }

  /** One logical call: for which repository, with which credentials, counted as what. */
  private record Call(
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

  private record Answer(URI uri, int status, HttpHeaders headers, byte[] body) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private final RegistryHosts hosts;
  private final RegistryThrottle throttle;
  private final RegistryMetrics metrics;
  private final Clock clock;
  private final Options options;
  private final HttpClient http;
  private final BearerTokens tokens;
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Boolean> plainHttp = new ConcurrentHashMap<>();

  /**
   * @param hosts where registries are served and which may be reached over plain HTTP
   * @param tls the trust for HTTPS ({@link RegistryTrust#context})
   * @param throttle the per-registry rate limit and {@code Retry-After} pauses
   * @param metrics where requests are counted
   * @param clock for token expiry and {@code Retry-After}
   * @param options limits and timeouts
   */
  public RegistryClient(
      RegistryHosts hosts,
      SSLContext tls,
      RegistryThrottle throttle,
      RegistryMetrics metrics,
      Clock clock,
      Options options) {
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
            .build();
  }

  /**
   * The client as the controller runs it: the system CAs plus {@code caBundles}, plain HTTP for
   * loopback and {@code insecure}, {@code limit} per registry (a request waits at most two minutes
   * for its turn), default timeouts and bounds.
   */
  public static RegistryClient create(
      Collection<String> insecure,
      List<RegistryTrust.PemBundle> caBundles,
      RegistryThrottle.Limit limit,
      MeterRegistry meters,
      Clock clock) {
    return new RegistryClient(
        new RegistryHosts(insecure),
        RegistryTrust.context(caBundles),
        new RegistryThrottle(limit, Duration.ofMinutes(2), clock),
        new RegistryMetrics(meters),
        clock,
        Options.DEFAULT);
  }

  @Override
  public TagList tags(Repository repository, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException {
    Call call = call(repository, credentials);
    String first = "/v2/" + repository.path() + "/tags/list?n=" + options.tagsPageSize();
    Set<String> tags = new LinkedHashSet<>(); // a tag on two pages is kept once
    Set<URI> seen = new HashSet<>();
    Page page =
        page(
            call,
            seen,
            () -> request(call, "GET", first, "application/json", options.maxListBytes()));
    for (int pages = 1; ; pages++) {
      for (String tag : page.tags()) {
        if (tags.size() >= options.maxTags()) {
          return truncated(call, tags);
        }
        tags.add(tag);
      }
      if (page.next().isEmpty()) {
        return new TagList(List.copyOf(tags), false);
      }
      if (pages >= options.maxPages()) {
        return truncated(call, tags);
      }
      URI next = page.next().get();
      page =
          page(
              call,
              seen,
              () -> follow(call, "GET", next, "application/json", options.maxListBytes()));
    }
  }

  /** One page of a tags listing: its valid tags and the next page, if any. */
  private record Page(List<String> tags, Optional<URI> next) {}

  private Page page(Call call, Set<URI> seen, Step<Answer> fetch)
      throws RegistryException, InterruptedException {
    return counted(
        call,
        "tags",
        () -> {
          Answer answer = ok(call, fetch.run(), "tags");
          JsonNode listed = json(call, answer, "tags").path("tags");
          if (!listed.isArray() && !listed.isNull() && !listed.isMissingNode()) {
            throw malformed(call, "the tags listing's \"tags\" is not a list");
          }
          List<String> tags = new ArrayList<>();
          for (JsonNode tag : listed) {
            if (tag.isTextual() && TAG.matcher(tag.asText()).matches()) {
              tags.add(tag.asText());
            }
          }
          Optional<URI> next = ResponseHeaders.nextLink(answer.header("Link"), answer.uri());
          if (next.isPresent() && !sameOrigin(next.get(), answer.uri())) {
            throw malformed(call, "the tags listing's next page is on another host: " + next.get());
          }
          if (next.isPresent() && !seen.add(next.get())) {
            throw malformed(
                call, "the tags listing's pages loop back to " + next.get().getRawQuery());
          }
          return new Page(tags, next);
        });
  }

  @Override
  public ManifestDigest digest(
      Repository repository, String tag, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException {
    Call call = call(repository, credentials);
    if (!TAG.matcher(tag).matches()) {
      throw new RegistryException(Kind.REJECTED, "\"" + tag + "\" is not a valid tag");
    }
    String path = "/v2/" + repository.path() + "/manifests/" + tag;
    String what = "manifest " + tag;
    Optional<ManifestDigest> headed =
        counted(
            call,
            "manifest_head",
            () -> {
              Answer head = ok(call, request(call, "HEAD", path, MANIFEST_ACCEPT, 0), what);
              Optional<String> digest = head.header("Docker-Content-Digest");
              if (digest.isPresent() && !ResponseHeaders.isDigest(digest.get())) {
                throw malformed(call, what + ": Docker-Content-Digest is not a digest");
              }
              String mediaType = head.header("Content-Type").orElse("");
              return digest.map(d -> new ManifestDigest(d, mediaType, false));
            });
    if (headed.isPresent()) {
      return headed.get();
    }
    return counted(
        call,
        "manifest_get",
        () -> {
          Answer get =
              ok(
                  call,
                  request(call, "GET", path, MANIFEST_ACCEPT, options.maxManifestBytes()),
                  what);
          if (!json(call, get, what).has("schemaVersion")) {
            throw malformed(call, what + " has no schemaVersion");
          }
          String computed = sha256(get.body());
          Optional<String> stated = get.header("Docker-Content-Digest");
          if (stated.isPresent()
              && stated.get().startsWith("sha256:")
              && !stated.get().equals(computed)) {
            throw malformed(call, what + ": Docker-Content-Digest does not match its bytes");
          }
          return new ManifestDigest(computed, get.header("Content-Type").orElse(""), true);
        });
  }

  @Override
  public void close() {
    http.close();
  }

  // --- one logical call ----------------------------------------------------------------------

  private Call call(Repository repository, Optional<RegistryCredentials> credentials)
      throws RegistryException {
    if (!PATH.matcher(repository.path()).matches()) {
      throw new RegistryException(
          Kind.REJECTED, "\"" + repository.path() + "\" is not a valid repository path");
    }
    String authority = RegistryHosts.apiAuthority(repository.domain());
    return new Call(
        repository, authority, RegistryHosts.registryClass(repository.domain()), credentials);
  }

  @FunctionalInterface
  private interface Step<T> {
    T run() throws RegistryException, InterruptedException;
  }

  private <T> T counted(Call call, String request, Step<T> step)
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

  private TagList truncated(Call call, Set<String> tags) {
    log.warn(
        "tags listing truncated",
        StructuredArguments.kv("repository", call.where()),
        StructuredArguments.kv("tags", tags.size()));
    return new TagList(List.copyOf(tags), true);
  }

  /**
   * A request to the repository's registry: HTTPS, or plain HTTP where allowed and the server does
   * not speak TLS. When plain HTTP does not work either (a TLS server answers it 400), the TLS
   * failure is the one reported.
   */
  private Answer request(Call call, String method, String pathAndQuery, String accept, long max)
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
  private Answer follow(Call call, String method, URI uri, String accept, long max)
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
  private Answer ok(Call call, Answer answer, String what) throws RegistryException {
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

  private static JsonNode json(Call call, Answer answer, String what) throws RegistryException {
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

  private static RegistryException malformed(Call call, String why) {
    return new RegistryException(Kind.MALFORMED, call.where() + ": " + why);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getRawAuthority() != null
        && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
  }

  private static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
