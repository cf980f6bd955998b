package dev.mirrorgate.webhook.ui.auth;

import java.time.Instant;

/**
 * A browser's login, held only in this process's memory: the user, the CSRF token every form and
 * POST of the session must carry, and a message shown once on the next page (after a redirect).
 */
public final class Session {
  private final String user;
  private final KubeUser kubeUser;
  private final byte[] csrfSecret;
  private final Instant created;
  private volatile Instant lastSeen;
  private volatile String flash;

  Session(String user, KubeUser kubeUser, byte[] csrfSecret, Instant created) {
    this.user = user;
    this.kubeUser = kubeUser;
    this.csrfSecret = csrfSecret.clone();
    this.created = created;
    this.lastSeen = created;
  }

  public String user() {
    return user;
  }

  /** The Kubernetes user when the login was with a token, else null. */
  public KubeUser kubeUser() {
    return kubeUser;
  }

  byte[] csrfSecret() {
    return csrfSecret;
  }

  Instant created() {
    return created;
  }

  Instant lastSeen() {
    return lastSeen;
  }

  void seen(Instant now) {
    lastSeen = now;
  }

  /** Keeps {@code message} for the next page of this session. */
  public void flash(String message) {
    flash = message;
  }

  /** The message kept for this page, once. */
  public String takeFlash() {
    String message = flash;
    flash = null;
    return message;
  }
}
