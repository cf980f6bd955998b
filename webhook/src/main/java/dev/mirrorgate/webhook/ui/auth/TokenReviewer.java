package dev.mirrorgate.webhook.ui.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a bearer token stands for, asked of the API server with a TokenReview. Answers are remembered
 * for a short while under the token's SHA-256 (never the token), so a page of API calls costs one
 * review: accepted tokens for {@code ttl}, refused ones for a tenth of it.
 */
public final class TokenReviewer implements TokenCheck {
  static final ApiResource TOKEN_REVIEWS =
      new ApiResource("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false);
  static final int MAX_REMEMBERED = 1000;

  private record Answer(Optional<KubeUser> user, Instant until) {}

  private final KubeRest requests;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  public TokenReviewer(KubeRest requests, Clock clock, Duration ttl) {
    this.requests = requests;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The user {@code token} stands for, or empty when the API server does not accept it.
   *
   * @throws KubeException when the API server cannot be asked
   */
  @Override
  public Optional<KubeUser> review(String token) throws KubeException {
    String key = HexFormat.of().formatHex(Secrets.sha256(token));
    Instant now = clock.instant();
    Answer remembered = answers.get(key);
    if (remembered != null && now.isBefore(remembered.until())) {
      return remembered.user();
    }
    ObjectNode review = requests.json().createObjectNode();
    review.put("apiVersion", TOKEN_REVIEWS.apiVersion()).put("kind", TOKEN_REVIEWS.kind());
    review.putObject("spec").put("token", token);
    JsonNode status = requests.create(TOKEN_REVIEWS, review).node().path("status");
    Optional<KubeUser> user =
        status.path("authenticated").asBoolean(false)
            ? Optional.of(user(status.path("user")))
            : Optional.empty();
    if (answers.size() >= MAX_REMEMBERED) {
      answers.values().removeIf(a -> !now.isBefore(a.until()));
      if (answers.size() >= MAX_REMEMBERED) {
        answers.clear();
      }
    }
    answers.put(key, new Answer(user, now.plus(user.isPresent() ? ttl : ttl.dividedBy(10))));
    return user;
  }

  private static KubeUser user(JsonNode user) {
    List<String> groups = new ArrayList<>();
    user.path("groups").forEach(g -> groups.add(g.asText()));
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : user.path("extra").properties()) {
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(v.asText()));
      extra.put(e.getKey(), values);
    }
    return new KubeUser(
        user.path("username").asText(""), user.path("uid").asText(""), groups, extra);
  }
}
