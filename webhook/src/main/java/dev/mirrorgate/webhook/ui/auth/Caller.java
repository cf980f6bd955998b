package dev.mirrorgate.webhook.ui.auth;

import java.util.Objects;

/**
 * Who sent a request, and how they proved it.
 *
 * @param user the name votes are recorded under: the {@code mirrorgate-ui-users} key (or {@code
 *     BASIC_AUTH_USER}), or the Kubernetes user name a token stands for
 * @param via how this request was authenticated
 * @param kubeUser the Kubernetes user when a token proved it (its permissions are asked of the API
 *     server), null for password users (they may do everything the UI offers)
 * @param session the browser session the request came with, null for header credentials
 */
public record Caller(String user, Via via, KubeUser kubeUser, Session session) {

  /** How a request was authenticated. */
  public enum Via {
    /** The session cookie of a browser that logged in. */
    SESSION,
    /** {@code Authorization: Basic}. */
    BASIC,
    /** {@code Authorization: Bearer <Kubernetes token>}. */
    BEARER
  }

  public Caller {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(via, "via");
    if ((via == Via.SESSION) != (session != null)) {
      throw new IllegalArgumentException("a session caller has a session, no other does");
    }
  }

  /** Whether the API server decides what this caller may do (a token stood for it). */
  public boolean checkedByKubernetes() {
    return kubeUser != null;
  }
}
