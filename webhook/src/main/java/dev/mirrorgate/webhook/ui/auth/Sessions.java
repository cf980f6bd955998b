package dev.mirrorgate.webhook.ui.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-side session store: a random 256-bit id in the cookie, the session in memory under the
 * id's SHA-256 (the ids themselves are not kept). A session ends at logout, after {@code idle}
 * without a request, or {@code lifetime} after login, whichever comes first. At most {@code max}
 * sessions live; past that the least recently used one ends.
 */
public final class Sessions {
  private final Clock clock;
  private final Duration idle;
  private final Duration lifetime;
  private final int max;
  private final SecureRandom random;
  private final Map<String, Session> byIdHash = new ConcurrentHashMap<>();

  /** A new session and the id its cookie carries. */
  public record Created(String id, Session session) {}

  public Sessions(Clock clock, Duration idle, Duration lifetime, int max, SecureRandom random) {
    this.clock = clock;
    this.idle = idle;
    this.lifetime = lifetime;
    this.max = max;
    this.random = random;
  }

  /** Starts a session for {@code user} (and the Kubernetes user a token login stood for). */
  public Created create(String user, KubeUser kubeUser, byte[] csrfSecret) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    Session session = new Session(user, kubeUser, csrfSecret, clock.instant());
    if (byIdHash.size() >= max) {
      sweep();
      if (byIdHash.size() >= max) {
        byIdHash.entrySet().stream()
            .min((a, b) -> a.getValue().lastSeen().compareTo(b.getValue().lastSeen()))
            .ifPresent(oldest -> byIdHash.remove(oldest.getKey()));
      }
    }
    byIdHash.put(hash(cookie), session);
    return new Created(cookie, session);
  }

  /** The live session with this cookie value, marked as seen now. */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = hash(id);
    Session session = byIdHash.get(key);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(session, now)) {
      byIdHash.remove(key, session);
      return Optional.empty();
    }
    session.seen(now);
    return Optional.of(session);
  }

  /** Ends the session with this cookie value (logout). */
  public void end(String id) {
    if (id != null && id.length() <= 100) {
      byIdHash.remove(hash(id));
    }
  }

  /** Removes every expired session. */
  public void sweep() {
    Instant now = clock.instant();
    byIdHash.values().removeIf(s -> expired(s, now));
  }

  public int size() {
    return byIdHash.size();
  }

  private boolean expired(Session session, Instant now) {
    return !now.isBefore(session.lastSeen().plus(idle))
        || !now.isBefore(session.created().plus(lifetime));
  }

  private static String hash(String id) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
