package dev.mirrorgate.webhook.deploy.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens from registry token servers, kept until shortly before {@code expires_in} runs out.
 * Keyed by realm, service, scope and credentials, so one workload's token never serves another's
 * credentials. Bounded: past {@link #MAX_ENTRIES} the expired ones go, then all.
 */
final class BearerTokens {
  static final int MAX_ENTRIES = 1024;

  /** What a token is for. */
  record Key(
      String realm, String service, String scope, Optional<RegistryCredentials> credentials) {}

  private record Held(String token, Instant expires) {}

  private final Clock clock;
  private final Map<Key, Held> tokens = new ConcurrentHashMap<>();

  BearerTokens(Clock clock) {
    this.clock = clock;
  }

  Optional<String> get(Key key) {
    Held held = tokens.get(key);
    if (held == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(held.expires())) {
      tokens.remove(key, held);
      return Optional.empty();
    }
    return Optional.of(held.token());
  }

  /**
   * Keeps {@code token} for {@code expiresIn} less a margin (a tenth of it, at most 30 seconds), so
   * a token is not sent just as it runs out.
   */
  void put(Key key, String token, Duration expiresIn) {
    Duration margin = expiresIn.dividedBy(10);
    if (margin.compareTo(Duration.ofSeconds(30)) > 0) {
      margin = Duration.ofSeconds(30);
    }
    Instant now = clock.instant();
    if (tokens.size() >= MAX_ENTRIES) {
      tokens.values().removeIf(h -> !now.isBefore(h.expires()));
      if (tokens.size() >= MAX_ENTRIES) {
        tokens.clear();
      }
    }
    tokens.put(key, new Held(token, now.plus(expiresIn.minus(margin))));
  }

  void forget(Key key) {
    tokens.remove(key);
  }
}
