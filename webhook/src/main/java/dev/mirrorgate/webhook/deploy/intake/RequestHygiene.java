package dev.mirrorgate.webhook.deploy.intake;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The checks of a request that need no body, in order: method, declared size, encoding, token,
 * readiness. The first that fails is the answer; null lets the body be read. (Its size while
 * streaming and its decoding are checked by {@link PushIntake} and {@link PushReceiver}.)
 */
final class RequestHygiene {
  /** Bodies above this get 413: a notification envelope is a few KiB. */
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private final TokenSource tokens;
  private final boolean allowUnauthenticated;
  private final BooleanSupplier sinkReady;

  RequestHygiene(TokenSource tokens, boolean allowUnauthenticated, BooleanSupplier sinkReady) {
    this.tokens = tokens;
    this.allowUnauthenticated = allowUnauthenticated;
    this.sinkReady = sinkReady;
  }

  /** The refusal of a request from its head, or null when its body may be read. */
  Answer check(RequestHead head) {
    if (!"POST".equals(head.method())) {
      return Answer.methodNotAllowed(head.method());
    }
    if (head.declaredLength() > MAX_BODY_BYTES) {
      return Answer.tooLarge(MAX_BODY_BYTES);
    }
    String encoding = head.headers().get("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      return Answer.unsupportedEncoding(encoding.trim());
    }
    Answer refused = authenticate(head);
    if (refused != null) {
      return refused;
    }
    if (!sinkReady.getAsBoolean()) {
      return Answer.unavailable("the controller has not synced its workload index yet: retry");
    }
    return null;
  }

  private Answer authenticate(RequestHead head) {
    Optional<WebhookTokens> known = tokens.current();
    if (known.isEmpty()) {
      return Answer.unavailable("the webhook tokens are not loaded yet: retry");
    }
    WebhookTokens current = known.get();
    if (current.isEmpty()) {
      return allowUnauthenticated
          ? null
          : Answer.unavailable(
              "no webhook token configured: add one to "
                  + tokens.where()
                  + " (or run the controller with --allow-unauthenticated-webhooks)");
    }
    Credential credential = Credential.of(head);
    if (credential.token() == null) {
      return Answer.unauthorized(credential.problem());
    }
    return current.matches(credential.token())
        ? null
        : Answer.unauthorized("wrong token (" + credential.how() + ")");
  }

  /**
   * The token a request presents and how; the first present of {@code Authorization: Bearer},
   * {@code X-Argoos-Token}, the {@code token} query parameter.
   *
   * @param how where the token was (for messages; never the token)
   * @param token the token, or null with {@code problem} saying what is missing
   */
  record Credential(String how, String token, String problem) {
    static final String BEARER = "Authorization: Bearer";

    static Credential of(RequestHead head) {
      String authorization = head.headers().get("Authorization");
      boolean bearer =
          authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
      if (bearer && !authorization.substring(7).isBlank()) {
        return new Credential(BEARER, authorization.substring(7), null);
      }
      String argoos = head.headers().get("X-Argoos-Token");
      if (argoos != null && !argoos.isBlank()) {
        return new Credential("X-Argoos-Token", argoos, null);
      }
      if (head.queryToken() != null && !head.queryToken().isBlank()) {
        return new Credential("token query parameter", head.queryToken(), null);
      }
      String problem =
          authorization != null && !bearer
              ? "Authorization is not a Bearer token: send Authorization: Bearer <token> or"
                  + " X-Argoos-Token: <token>"
              : "missing token: send Authorization: Bearer <token> or X-Argoos-Token: <token>";
      return new Credential(null, null, problem);
    }
  }
}
