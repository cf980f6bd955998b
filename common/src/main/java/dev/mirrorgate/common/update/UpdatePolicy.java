package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * One update policy (Keel's shape: one small type per policy). A policy says whether it accepts a
 * candidate tag from the current image, and how accepted candidates rank; {@link UpdateDecider}
 * applies the rules common to all (one decision per window, ties, digests, the image written).
 */
public interface UpdatePolicy {

  /** The policy value as written, e.g. {@code minor}, {@code glob:1.*}, {@code semver:^1.2}. */
  String name();

  /**
   * Null when the policy accepts moving from {@code current} to {@code candidate}; else why not, a
   * short phrase such as {@code "not newer than 1.2.3"}.
   */
  String refusal(CurrentImage current, Candidate candidate);

  /**
   * How accepted candidates rank (the greatest wins). Candidates equal in this order resolve to the
   * most specific tag.
   */
  Comparator<Candidate> preference(Window.Source source);

  /**
   * Non-null when this policy never updates whatever is pushed ({@code never}, an unknown value, a
   * paused trigger, an ImageStreamTag): why, as a sentence.
   */
  default String inert() {
    return null;
  }
}
