package dev.mirrorgate.webhook.ui.auth;

import dev.mirrorgate.webhook.kube.KubeException;
import java.util.Optional;

/** Who a bearer token stands for ({@link TokenReviewer} asks the API server). */
@FunctionalInterface
public interface TokenCheck {
  /**
   * @return the user, or empty when the token is not accepted
   * @throws KubeException when the API server cannot be asked
   */
  Optional<KubeUser> review(String token) throws KubeException;
}
