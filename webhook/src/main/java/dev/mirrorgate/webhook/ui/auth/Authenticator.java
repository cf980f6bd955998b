package dev.mirrorgate.webhook.ui.auth;

import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.ui.auth.Authentication.Authenticated;
import dev.mirrorgate.webhook.ui.auth.Authentication.Missing;
import dev.mirrorgate.webhook.ui.auth.Authentication.Refused;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the credentials of a request into a {@link Caller}: an {@code Authorization} header (Basic
 * with a password user, Bearer with a Kubernetes token) wins over the session cookie. Every failed
 * credential counts against the client in the {@link LoginThrottle}, and a throttled client's
 * credentials are not even looked at. A token user must be allowed to list ImageUpdates in all
 * namespaces to see anything. May block (TokenReview): call it off the event loop for Bearer.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  static final int MAX_HEADER = 8192;

  private final PasswordUsers users;
  private final TokenCheck tokens;
  private final AccessCheck access;
  private final Sessions sessions;
  private final LoginThrottle throttle;

  public Authenticator(
      PasswordUsers users,
      TokenCheck tokens,
      AccessCheck access,
      Sessions sessions,
      LoginThrottle throttle) {
    this.users = users;
    this.tokens = tokens;
    this.access = access;
    this.sessions = sessions;
    this.throttle = throttle;
  }

  /** Whether authenticating {@code authorization} may call the API server (off the event loop). */
  public static boolean mayBlock(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param sessionId the session cookie's value, or null
   * @param client the client's address, for the throttle
   */
  public Authentication authenticate(String authorization, String sessionId, String client) {
    if (authorization != null) {
      return header(authorization.strip(), client);
    }
    if (sessionId != null) {
      Optional<Session> session = sessions.find(sessionId);
      if (session.isPresent()) {
        Session s = session.get();
        return new Authenticated(new Caller(s.user(), Caller.Via.SESSION, s.kubeUser(), s));
      }
    }
    return new Missing();
  }

  /**
   * A login form: a user name and password, or a Kubernetes token. On success the caller is not yet
   * a session caller; the login handler starts the session.
   */
  public Authentication login(String user, String password, String token, String client) {
    Duration wait = throttle.blockedFor(client);
    if (!wait.isZero()) {
      return throttled(wait);
    }
    if (token != null && !token.isBlank()) {
      return bearer(token.strip(), client);
    }
    if (user == null || user.isBlank() || password == null || password.isEmpty()) {
      return new Refused(401, "enter a user name and a password, or a Kubernetes token");
    }
    return password(user.strip(), password, client);
  }

  private Authentication header(String authorization, String client) {
    if (authorization.length() > MAX_HEADER) {
      return failed(client, "the Authorization header is too long");
    }
    Duration wait = throttle.blockedFor(client);
    if (!wait.isZero()) {
      return throttled(wait);
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    String value = space < 0 ? "" : authorization.substring(space + 1).strip();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "basic" -> {
        byte[] decoded;
        try {
          decoded = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
          return failed(client, "malformed Basic credentials: not base64");
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
          return failed(client, "malformed Basic credentials: no ':' between user and password");
        }
        return password(pair.substring(0, colon), pair.substring(colon + 1), client);
      }
      case "bearer" -> {
        if (value.isEmpty()) {
          return failed(client, "the Bearer token is empty");
        }
        return bearer(value, client);
      }
      default -> {
        return failed(
            client,
            "unsupported authorization scheme (use Basic, or Bearer with a Kubernetes token)");
      }
    }
  }

  private Authentication password(String user, String password, String client) {
    Optional<String> verified = users.verify(user, password);
    if (verified.isEmpty()) {
      return failed(client, "wrong user name or password");
    }
    return new Authenticated(new Caller(verified.get(), Caller.Via.BASIC, null, null));
  }

  private Authentication bearer(String token, String client) {
    Optional<KubeUser> user;
    try {
      user = tokens.review(token);
    } catch (KubeException e) {
      log.warn("cannot review a bearer token: {}", e.getMessage());
      return new Refused(
          503,
          "cannot check the token: the Kubernetes API server did not answer (" + e.status() + ")");
    }
    if (user.isEmpty()) {
      return failed(client, "the Kubernetes API server does not accept this token");
    }
    try {
      if (!access.mayRead(user.get())) {
        return new Refused(
            403,
            user.get().username()
                + " may not list imageupdates.mirrorgate.dev in all namespaces, which the UI"
                + " shows");
      }
    } catch (KubeException e) {
      log.warn("cannot review {}'s access: {}", user.get().username(), e.getMessage());
      return new Refused(503, "cannot check permissions: the Kubernetes API server did not answer");
    }
    return new Authenticated(
        new Caller(user.get().username(), Caller.Via.BEARER, user.get(), null));
  }

  private Authentication failed(String client, String message) {
    throttle.failed(client);
    log.info("authentication failed from {}: {}", client, message);
    return new Refused(401, message);
  }

  private static Authentication throttled(Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return new Refused(
        429,
        "too many failed logins from this address: try again in " + seconds + " s",
        Duration.ofSeconds(seconds));
  }
}
