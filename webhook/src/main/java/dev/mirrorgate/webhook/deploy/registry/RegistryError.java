package dev.mirrorgate.webhook.deploy.registry;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a registry request failed, as a value callers turn into a backoff and a reported reason.
 *
 * @param kind what kind of failure
 * @param message a short sentence naming the registry and what happened (never a credential)
 * @param retryAfter how long the registry asked us to wait ({@code Retry-After}), or null
 */
public record RegistryError(Kind kind, String message, Duration retryAfter) {

  /** The kinds of failure; each is a bounded metric label. */
  public enum Kind {
    /** 401 or 403: no, wrong or insufficient credentials (also from the token server). */
    UNAUTHORIZED,
    /** 404: no such repository or tag. */
    NOT_FOUND,
    /** 429, or a {@code Retry-After} still running, or the local request-rate limit. */
    RATE_LIMITED,
    /** 5xx. */
    SERVER_ERROR,
    /** Another 4xx, or a redirect we do not follow. */
    REJECTED,
    /** No answer in time. */
    TIMEOUT,
    /** An answer that is not what the API says (bad JSON, no digest, too large). */
    MALFORMED,
    /** The connection failed (refused, reset, name not found). */
    UNREACHABLE,
    /** The TLS handshake failed (certificate not trusted, wrong name, plain HTTP server). */
    TLS;

    /** The metric label: {@code rate_limited}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public RegistryError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public RegistryError(Kind kind, String message) {
    this(kind, message, null);
  }

  public Optional<Duration> retryAfterDuration() {
    return Optional.ofNullable(retryAfter);
  }

  /** {@code rate_limited: ghcr.io answered 429 (retry after PT30S)}. */
  @Override
  public String toString() {
    return kind.label() + ": " + message;
  }
}
