package dev.mirrorgate.webhook.ui.auth;

import dev.mirrorgate.webhook.kube.KubeException;

/** What a Kubernetes user may do ({@link AccessReviewer} asks the API server's authorizer). */
public interface AccessCheck {
  /** Whether {@code user} may update ImageUpdate {@code namespace/name}: cast a vote on it. */
  boolean mayVote(KubeUser user, String namespace, String name) throws KubeException;

  /** Whether {@code user} may list ImageUpdates in all namespaces: see what the UI shows. */
  boolean mayRead(KubeUser user) throws KubeException;
}
