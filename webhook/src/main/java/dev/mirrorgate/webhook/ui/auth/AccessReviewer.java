package dev.mirrorgate.webhook.ui.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a Kubernetes user may do with ImageUpdates, asked of the API server's authorizer with a
 * SubjectAccessReview: {@code update} in a namespace to vote, {@code list} in all namespaces to see
 * the UI. Answers to {@code list} are remembered for {@code ttl}; a vote always asks afresh.
 */
public final class AccessReviewer implements AccessCheck {
  static final ApiResource SUBJECT_ACCESS_REVIEWS =
      new ApiResource(
          "authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false);
  static final String GROUP = "mirrorgate.dev";
  static final String RESOURCE = "imageupdates";

  private record Answer(boolean allowed, Instant until) {}

  private final KubeRest requests;
  private final Clock clock;
  private final Duration ttl;
  private final Map<KubeUser, Answer> canList = new ConcurrentHashMap<>();

  public AccessReviewer(KubeRest requests, Clock clock, Duration ttl) {
    this.requests = requests;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Whether {@code user} may update ImageUpdate {@code namespace/name} (cast a vote). */
  @Override
  public boolean mayVote(KubeUser user, String namespace, String name) throws KubeException {
    return allowed(user, "update", namespace, name);
  }

  /** Whether {@code user} may list ImageUpdates in every namespace (see what the UI shows). */
  @Override
  public boolean mayRead(KubeUser user) throws KubeException {
    Instant now = clock.instant();
    Answer remembered = canList.get(user);
    if (remembered != null && now.isBefore(remembered.until())) {
      return remembered.allowed();
    }
    boolean allowed = allowed(user, "list", null, null);
    if (canList.size() > 1000) {
      canList.clear();
    }
    canList.put(user, new Answer(allowed, now.plus(ttl)));
    return allowed;
  }

  private boolean allowed(KubeUser user, String verb, String namespace, String name)
      throws KubeException {
    ObjectNode review = requests.json().createObjectNode();
    review
        .put("apiVersion", SUBJECT_ACCESS_REVIEWS.apiVersion())
        .put("kind", SUBJECT_ACCESS_REVIEWS.kind());
    ObjectNode spec = review.putObject("spec");
    spec.put("user", user.username());
    if (!user.uid().isEmpty()) {
      spec.put("uid", user.uid());
    }
    user.groups().forEach(spec.putArray("groups")::add);
    ObjectNode extra = spec.putObject("extra");
    for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
      e.getValue().forEach(extra.putArray(e.getKey())::add);
    }
    ObjectNode resource = spec.putObject("resourceAttributes");
    resource.put("group", GROUP).put("resource", RESOURCE).put("verb", verb);
    if (namespace != null) {
      resource.put("namespace", namespace);
    }
    if (name != null) {
      resource.put("name", name);
    }
    return requests
        .create(SUBJECT_ACCESS_REVIEWS, review)
        .node()
        .path("status")
        .path("allowed")
        .asBoolean(false);
  }
}
