package dev.mirrorgate.common.update;

import java.util.Comparator;
import java.util.Optional;

/** The orders policies rank accepted candidates by. */
final class CandidateOrder {
  private CandidateOrder() {}

  /** The last pushed (or listed) is the greatest: for {@code force} and non-version candidates. */
  static final Comparator<Candidate> LAST_PUSHED = Comparator.comparingInt(Candidate::order);

  /**
   * Versions by version order, above every tag that is not a version; tags that are not versions by
   * the order pushed.
   */
  static final Comparator<Candidate> VERSION =
      (a, b) -> {
        Optional<Version> va = a.version();
        Optional<Version> vb = b.version();
        if (va.isPresent() && vb.isPresent()) {
          return va.get().compareTo(vb.get());
        }
        if (va.isPresent() != vb.isPresent()) {
          return va.isPresent() ? 1 : -1;
        }
        return Integer.compare(a.order(), b.order());
      };

  /**
   * Versions by version order, above every tag that is not a version; tags that are not versions
   * are equal (the decider then prefers the most specific tag, then the greater string): a
   * tie-break that does not depend on the order pushed.
   */
  static final Comparator<Candidate> VERSION_THEN_EQUAL =
      (a, b) -> {
        Optional<Version> va = a.version();
        Optional<Version> vb = b.version();
        if (va.isPresent() && vb.isPresent()) {
          return va.get().compareTo(vb.get());
        }
        return Boolean.compare(va.isPresent(), vb.isPresent());
      };

  /**
   * Null when {@code candidate} is not lower than {@code current} whenever both are versions; else
   * the refusal. {@code strictly}: equal versions are refused too.
   */
  static String notLower(CurrentImage current, Candidate candidate, boolean strictly) {
    Optional<Version> cur = current.version();
    Optional<Version> cand = candidate.version();
    if (cur.isEmpty() || cand.isEmpty()) {
      return null;
    }
    int c = cand.get().compareTo(cur.get());
    if (c < 0) {
      return "lower than " + current.tag();
    }
    if (c == 0 && strictly) {
      return "not newer than " + current.tag();
    }
    return null;
  }
}
