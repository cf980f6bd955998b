package dev.mirrorgate.common.update;

import dev.mirrorgate.common.image.ImageReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides one tracked container's update from one window of pushed (or listed) images:
 *
 * <ol>
 *   <li>images of other repositories do not count; a tag pushed twice counts once, with its last
 *       digest; an image without a tag counts only when it has no digest either ({@code latest});
 *   <li>the policy accepts or refuses each candidate;
 *   <li>among accepted candidates the greatest in the policy's order wins (versions by version
 *       order, {@code compare} groups by value, the last pushed for {@code force} and tags that are
 *       not versions); candidates equal in that order resolve to the most specific tag, and so do
 *       accepted candidates with the winner's digest ({@code 1.2.3} over {@code 1.2} over {@code
 *       latest});
 *   <li>the image written is {@code <repository as written>:<tag>@<digest>} when the digest is
 *       known and {@code mirrorgate.dev/pin-digest} is not {@code "false"}, else {@code
 *       repository:tag} with {@code mirrorgate.dev/updated-at} to bump;
 *   <li>no update when that is what the container runs (same tag and digest).
 * </ol>
 */
public final class UpdateDecider {
  private static final int REFUSALS_SHOWN = 3;

  private UpdateDecider() {}

  public static UpdateDecision decide(
      TrackedContainer container, UpdateSettings settings, Window window) {
    Objects.requireNonNull(container, "container");
    UpdatePolicy policy = container.policy();
    String inert = policy.inert();
    if (inert != null) {
      return decision(container, settings, UpdateDecision.Outcome.INERT, null, null, false, inert);
    }
    List<Candidate> candidates = candidates(container, window);
    if (candidates.isEmpty()) {
      return decision(
          container,
          settings,
          UpdateDecision.Outcome.NO_CANDIDATE,
          null,
          null,
          false,
          (window.source() == Window.Source.PUSHED
                  ? "nothing pushed to "
                  : "the registry lists no tag of ")
              + container.repository());
    }
    List<Candidate> accepted = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Candidate c : candidates) {
      String why = policy.refusal(container.current(), c);
      if (why == null) {
        accepted.add(c);
      } else {
        refusals.add(shortly(c) + " (" + why + ")");
      }
    }
    if (accepted.isEmpty()) {
      return decision(
          container,
          settings,
          UpdateDecision.Outcome.REFUSED,
          null,
          null,
          false,
          policy.name() + " accepts none of: " + summary(refusals));
    }
    Comparator<Candidate> preference = policy.preference(window.source());
    Candidate best =
        accepted.stream()
            .max(preference.thenComparingInt(Candidate::specificity).thenComparing(Candidate::tag))
            .orElseThrow();
    boolean moreSpecific = false;
    if (best.digest() != null) {
      String digest = best.digest();
      Candidate specific =
          accepted.stream()
              .filter(c -> digest.equals(c.digest()))
              .max(
                  Comparator.comparingInt(Candidate::specificity)
                      .thenComparing(preference)
                      .thenComparing(Candidate::tag))
              .orElseThrow();
      moreSpecific = specific != best;
      best = specific;
    }
    boolean pinned = settings.pinDigest() && best.digest() != null;
    String update =
        container.writtenRepository() + ":" + best.tag() + (pinned ? "@" + best.digest() : "");
    String current =
        sameAsCurrent(container.current(), best, window.source(), settings.pinDigest());
    if (current != null) {
      return decision(
          container, settings, UpdateDecision.Outcome.CURRENT, null, best, false, current);
    }
    StringBuilder reason =
        new StringBuilder(policy.name()).append(" accepts ").append(shortly(best));
    if (container.current().hasTag(best.tag())) {
      reason.append(
          best.digest() == null
              ? ", a push of the running tag"
              : ", a new digest of the running tag");
    }
    if (accepted.size() > 1) {
      reason.append(", the best of ").append(accepted.size()).append(" accepted");
    }
    if (moreSpecific) {
      reason.append(" (the most specific tag of its digest)");
    }
    if (!refusals.isEmpty()) {
      reason.append("; refused: ").append(summary(refusals));
    }
    return decision(
        container,
        settings,
        UpdateDecision.Outcome.UPDATE,
        update,
        best,
        !pinned,
        reason.toString());
  }

  /** This container's candidates in the window, one per tag (the last pushed), in order. */
  static List<Candidate> candidates(TrackedContainer container, Window window) {
    Map<String, Candidate> byTag = new LinkedHashMap<>();
    int order = 0;
    for (ImageReference image : window.images()) {
      order++;
      if (!container.follows(image)) {
        continue;
      }
      String tag = image.tag();
      if (tag == null) {
        if (image.digest() != null) {
          continue; // an untagged manifest: nothing to follow
        }
        tag = "latest";
      }
      byTag.remove(tag);
      byTag.put(tag, new Candidate(tag, image.digest(), order));
    }
    return List.copyOf(byTag.values());
  }

  /** Null when writing {@code best} changes what runs; else why it does not. */
  private static String sameAsCurrent(
      CurrentImage current, Candidate best, Window.Source source, boolean pinDigest) {
    if (!current.hasTag(best.tag())) {
      return null;
    }
    if (best.digest() != null && current.digest() != null) {
      return best.digest().equals(current.digest()) ? "already runs " + shortly(best) : null;
    }
    if (source == Window.Source.PUSHED) {
      return null; // a push of the running tag: the tag moved
    }
    if (best.digest() == null) {
      return "the registry lists " + best.tag() + " without a digest to compare";
    }
    return pinDigest
        ? null
        : "runs "
            + best.tag()
            + " without a digest (mirrorgate.dev/pin-digest: \"false\"): cannot tell whether it"
            + " moved";
  }

  private static UpdateDecision decision(
      TrackedContainer c,
      UpdateSettings settings,
      UpdateDecision.Outcome outcome,
      String update,
      Candidate chosen,
      boolean bump,
      String reason) {
    return new UpdateDecision(
        c.name(),
        c.image(),
        c.policySource(),
        settings.trigger().kind(),
        outcome,
        update,
        chosen,
        bump,
        reason);
  }

  /** {@code tag} or {@code tag@sha256:0123456789ab}, for reasons. */
  static String shortly(Candidate c) {
    if (c.digest() == null) {
      return c.tag();
    }
    int colon = c.digest().indexOf(':');
    int end = Math.min(c.digest().length(), colon + 13);
    return c.tag() + "@" + c.digest().substring(0, end);
  }

  private static String summary(List<String> items) {
    if (items.size() <= REFUSALS_SHOWN) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, REFUSALS_SHOWN))
        + " and "
        + (items.size() - REFUSALS_SHOWN)
        + " more";
  }
}
