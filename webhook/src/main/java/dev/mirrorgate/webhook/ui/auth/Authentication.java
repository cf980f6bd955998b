package dev.mirrorgate.webhook.ui.auth;

import java.time.Duration;

/** What the credentials of a request (or a login form) proved. */
public sealed interface Authentication {

  /** They proved who the caller is. */
  record Authenticated(Caller caller) implements Authentication {}

  /** There were none. */
  record Missing() implements Authentication {}

  /**
   * They were refused: {@code status} 401 (wrong or malformed), 403 (a Kubernetes user who may not
   * see the UI), 429 (too many failures from this client: {@code retryAfter}), 503 (the API server
   * could not be asked). {@code message} says which, naming no secret.
   */
  record Refused(int status, String message, Duration retryAfter) implements Authentication {
    public Refused(int status, String message) {
      this(status, message, Duration.ZERO);
    }
  }
}
