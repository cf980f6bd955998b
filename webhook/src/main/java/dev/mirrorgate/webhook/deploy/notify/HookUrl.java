package dev.mirrorgate.webhook.deploy.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where notifications are posted: an HTTPS URL (plain HTTP only to a loopback host). Such URLs
 * often carry a secret (a Slack incoming webhook's path is its credential; others put a token in
 * the query or user info), so the URL is never shown: {@link #toString()} and every message say
 * only {@code scheme://host[:port]/…}.
 */
public final class HookUrl {
  private final URI uri;

  private HookUrl(URI uri) {
    this.uri = uri;
  }

  /**
   * Reads a URL.
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating the URL's secret parts
   */
  public static HookUrl parse(String text) {
    Objects.requireNonNull(text, "text");
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("not an absolute URL with a host: " + redact(uri));
    }
    if (scheme.equals("http") && !loopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "plain HTTP only to localhost or 127.0.0.0/8 (use https): " + redact(uri));
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("not an https URL: " + redact(uri));
    }
    if (uri.getFragment() != null) {
      throw new IllegalArgumentException("a URL to post to has no #fragment: " + redact(uri));
    }
    return new HookUrl(uri);
  }

  /** The URL to post to (secret: never log it). */
  public URI uri() {
    return uri;
  }

  /** {@code https://hooks.slack.com/…}: what logs, metrics and errors may show. */
  public String redacted() {
    return redact(uri);
  }

  /** Replaces every occurrence of the URL (and of its secret parts) in {@code text}. */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String scrubbed = text.replace(uri.toString(), redacted());
    for (String part : new String[] {uri.getRawPath(), uri.getRawQuery(), uri.getRawUserInfo()}) {
      if (part != null && part.length() > 1) {
        scrubbed = scrubbed.replace(part, "/…");
      }
    }
    return scrubbed;
  }

  @Override
  public String toString() {
    return redacted();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HookUrl h && h.uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  static String redact(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT) + "://";
    String host = uri.getHost() == null ? "?" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    boolean more =
        (uri.getRawPath() != null && uri.getRawPath().length() > 1)
            || uri.getRawQuery() != null
            || uri.getRawUserInfo() != null;
    return scheme + host + port + (more ? "/…" : "");
  }

  private static boolean loopback(String host) {
    return host.equalsIgnoreCase("localhost")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
        || host.equals("[::1]");
  }
}
