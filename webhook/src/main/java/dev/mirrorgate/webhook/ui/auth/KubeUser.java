package dev.mirrorgate.webhook.ui.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes user as TokenReview describes it; what a SubjectAccessReview asks about. The token
 * it was read from is never kept.
 */
public record KubeUser(
    String username, String uid, List<String> groups, Map<String, List<String>> extra) {
  public KubeUser {
    Objects.requireNonNull(username, "username");
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }
}
