package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.deploy.registry.RegistryError.Kind;
import dev.mirrorgate.webhook.tls.ClientTrust;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
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

  private final Options options;
  private final RegistryHttp http;

  /**
   * @param hosts where registries are served and which may be reached over plain HTTP
   * @param tls the trust for HTTPS ({@link ClientTrust#of})
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
    this.options = options;
    this.http = new RegistryHttp(hosts, tls, throttle, metrics, clock, options);
  }

  /**
   * The client as the controller runs it: the system CAs plus {@code caBundles}, plain HTTP for
   * loopback and {@code insecure}, {@code limit} per registry (a request waits at most two minutes
   * for its turn), default timeouts and bounds.
   */
  public static RegistryClient create(
      Collection<String> insecure,
      List<ClientTrust.PemBundle> caBundles,
      RegistryThrottle.Limit limit,
      MeterRegistry meters,
      Clock clock) {
    return new RegistryClient(
        new RegistryHosts(insecure),
        ClientTrust.of(caBundles),
        new RegistryThrottle(limit, Duration.ofMinutes(2), clock),
        new RegistryMetrics(meters),
        clock,
        Options.DEFAULT);
  }

  @Override
  public TagList tags(Repository repository, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException {
    RegistryHttp.Call call = call(repository, credentials);
    String first = "/v2/" + repository.path() + "/tags/list?n=" + options.tagsPageSize();
    Set<String> tags = new LinkedHashSet<>(); // a tag on two pages is kept once
    Set<URI> seen = new HashSet<>();
    Page page =
        page(
            call,
            seen,
            () -> http.request(call, "GET", first, "application/json", options.maxListBytes()));
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
              () -> http.follow(call, "GET", next, "application/json", options.maxListBytes()));
    }
  }

  /** One page of a tags listing: its valid tags and the next page, if any. */
  private record Page(List<String> tags, Optional<URI> next) {}

  private Page page(
      RegistryHttp.Call call, Set<URI> seen, RegistryHttp.Step<RegistryHttp.Answer> fetch)
      throws RegistryException, InterruptedException {
    return http.counted(
        call,
        "tags",
        () -> {
          RegistryHttp.Answer answer = RegistryHttp.ok(call, fetch.run(), "tags");
          JsonNode listed = RegistryHttp.json(call, answer, "tags").path("tags");
          if (!listed.isArray() && !listed.isNull() && !listed.isMissingNode()) {
            throw RegistryHttp.malformed(call, "the tags listing's \"tags\" is not a list");
          }
          List<String> tags = new ArrayList<>();
          for (JsonNode tag : listed) {
            if (tag.isTextual() && TAG.matcher(tag.asText()).matches()) {
              tags.add(tag.asText());
            }
          }
          Optional<URI> next = ResponseHeaders.nextLink(answer.header("Link"), answer.uri());
          if (next.isPresent() && !sameOrigin(next.get(), answer.uri())) {
            throw RegistryHttp.malformed(
                call, "the tags listing's next page is on another host: " + next.get());
          }
          if (next.isPresent() && !seen.add(next.get())) {
            throw RegistryHttp.malformed(
                call, "the tags listing's pages loop back to " + next.get().getRawQuery());
          }
          return new Page(tags, next);
        });
  }

  @Override
  public ManifestDigest digest(
      Repository repository, String tag, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException {
    RegistryHttp.Call call = call(repository, credentials);
    if (!TAG.matcher(tag).matches()) {
      throw new RegistryException(Kind.REJECTED, "\"" + tag + "\" is not a valid tag");
    }
    String path = "/v2/" + repository.path() + "/manifests/" + tag;
    String what = "manifest " + tag;
    Optional<ManifestDigest> headed =
        http.counted(
            call,
            "manifest_head",
            () -> {
              RegistryHttp.Answer head =
                  RegistryHttp.ok(call, http.request(call, "HEAD", path, MANIFEST_ACCEPT, 0), what);
              Optional<String> digest = head.header("Docker-Content-Digest");
              if (digest.isPresent() && !ResponseHeaders.isDigest(digest.get())) {
                throw RegistryHttp.malformed(
                    call, what + ": Docker-Content-Digest is not a digest");
              }
              String mediaType = head.header("Content-Type").orElse("");
              return digest.map(d -> new ManifestDigest(d, mediaType, false));
            });
    if (headed.isPresent()) {
      return headed.get();
    }
    return http.counted(
        call,
        "manifest_get",
        () -> {
          RegistryHttp.Answer get =
              RegistryHttp.ok(
                  call,
                  http.request(call, "GET", path, MANIFEST_ACCEPT, options.maxManifestBytes()),
                  what);
          if (!RegistryHttp.json(call, get, what).has("schemaVersion")) {
            throw RegistryHttp.malformed(call, what + " has no schemaVersion");
          }
          String computed = sha256(get.body());
          Optional<String> stated = get.header("Docker-Content-Digest");
          if (stated.isPresent()
              && stated.get().startsWith("sha256:")
              && !stated.get().equals(computed)) {
            throw RegistryHttp.malformed(
                call, what + ": Docker-Content-Digest does not match its bytes");
          }
          return new ManifestDigest(computed, get.header("Content-Type").orElse(""), true);
        });
  }

  @Override
  public void close() {
    http.close();
  }

  // --- one logical call ----------------------------------------------------------------------

  private RegistryHttp.Call call(Repository repository, Optional<RegistryCredentials> credentials)
      throws RegistryException {
    if (!PATH.matcher(repository.path()).matches()) {
      throw new RegistryException(
          Kind.REJECTED, "\"" + repository.path() + "\" is not a valid repository path");
    }
    String authority = RegistryHosts.apiAuthority(repository.domain());
    return new RegistryHttp.Call(
        repository, authority, RegistryHosts.registryClass(repository.domain()), credentials);
  }

  private TagList truncated(RegistryHttp.Call call, Set<String> tags) {
    log.warn(
        "tags listing truncated",
        StructuredArguments.kv("repository", call.where()),
        StructuredArguments.kv("tags", tags.size()));
    return new TagList(List.copyOf(tags), true);
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
