package dev.mirrorgate.webhook.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecider;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.UpdateSettings;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Digests a rollback took away from a workload container. They are kept on the workload itself, in
 * the annotation {@value #ANNOTATION} (a JSON object: container name → digests, oldest first,
 * {@value #PER_CONTAINER} at most), written by the same conditional patch that reverts the
 * container: a reverted rollout and its quarantine are one write, and the quarantine outlives the
 * bounded ImageUpdate history. The engine never chooses a quarantined digest again for that
 * container: candidates with it leave the window before the policy decides. Deleting a digest (or
 * the annotation) lifts the quarantine.
 */
public final class Quarantine {
  public static final String ANNOTATION = "mirrorgate.dev/quarantine";

  /** The most digests one container keeps quarantined; the oldest go first. */
  public static final int PER_CONTAINER = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Quarantine() {}

  /**
   * The digests quarantined for {@code container} of {@code workload}; none when the annotation is
   * absent or unreadable (it is written by mirrorgate; {@link #with} replaces an unreadable one).
   */
  public static Set<String> of(KubeObject workload, String container) {
    return of(workload.annotations().get(ANNOTATION), container);
  }

  /** The digests quarantined for {@code container} in an annotation value (may be null). */
  public static Set<String> of(String annotation, String container) {
    Set<String> digests = new LinkedHashSet<>();
    read(annotation)
        .map(root -> root.path(container))
        .ifPresent(list -> list.forEach(d -> digests.add(d.asText())));
    return digests;
  }

  /**
   * The annotation value with {@code digest} quarantined for {@code container} (kept once, newest
   * last, at most {@value #PER_CONTAINER} per container). An unreadable value is replaced.
   */
  public static String with(String annotation, String container, String digest) {
    ObjectNode root = read(annotation).orElseGet(JSON::createObjectNode);
    List<String> digests = new ArrayList<>();
    root.path(container).forEach(d -> digests.add(d.asText()));
    digests.remove(digest);
    digests.add(digest);
    ArrayNode kept = root.putArray(container);
    digests.subList(Math.max(0, digests.size() - PER_CONTAINER), digests.size()).forEach(kept::add);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of strings always serializes
    }
  }

  /** Whether an annotation value is present but not what {@link #with} writes. */
  public static boolean unreadable(String annotation) {
    return annotation != null && read(annotation).isEmpty();
  }

  /** The digest an image pins ({@code repo:tag@sha256:…}), if it pins one. */
  public static Optional<String> digestOf(String image) {
    try {
      return Optional.ofNullable(ImageReference.parse(image).digest());
    } catch (InvalidImageReferenceException e) {
      return Optional.empty();
    }
  }

  /**
   * The engine's decision for {@code container} without the quarantined digests: candidates with
   * one are left out of the window, and the reason says so. A window whose every candidate is
   * quarantined is refused.
   */
  public static UpdateDecision decide(
      TrackedContainer container, UpdateSettings settings, Window window, Set<String> quarantined) {
    if (quarantined.isEmpty()) {
      return UpdateDecider.decide(container, settings, window);
    }
    List<ImageReference> kept = new ArrayList<>();
    Set<String> left = new LinkedHashSet<>();
    for (ImageReference image : window.images()) {
      if (container.follows(image)
          && image.digest() != null
          && quarantined.contains(image.digest())) {
        left.add((image.tag() == null ? "" : image.tag()) + "@" + shortDigest(image.digest()));
      } else {
        kept.add(image);
      }
    }
    if (left.isEmpty()) {
      return UpdateDecider.decide(container, settings, window);
    }
    UpdateDecision decision =
        UpdateDecider.decide(container, settings, new Window(window.source(), kept));
    String quarantineNote = "quarantined after a rollback: " + String.join(", ", left);
    if (decision.outcome() == UpdateDecision.Outcome.NO_CANDIDATE) {
      return copy(decision, UpdateDecision.Outcome.REFUSED, "every candidate is " + quarantineNote);
    }
    return copy(decision, decision.outcome(), decision.reason() + "; " + quarantineNote);
  }

  private static UpdateDecision copy(
      UpdateDecision d, UpdateDecision.Outcome outcome, String reason) {
    return new UpdateDecision(
        d.container(),
        d.image(),
        d.policy(),
        d.trigger(),
        outcome,
        d.update(),
        d.chosen(),
        d.bumpUpdatedAt(),
        reason);
  }

  /** {@code sha256:0123456789ab}: enough to recognize a digest in a sentence. */
  public static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return digest.substring(0, Math.min(digest.length(), colon + 13));
  }

  private static Optional<ObjectNode> read(String annotation) {
    if (annotation == null || annotation.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(annotation);
      if (!(root instanceof ObjectNode object)) {
        return Optional.empty();
      }
      for (JsonNode list : object) {
        if (!list.isArray()) {
          return Optional.empty();
        }
        for (JsonNode digest : list) {
          if (!digest.isTextual()) {
            return Optional.empty();
          }
        }
      }
      return Optional.of(object);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
