package dev.mirrorgate.common.update;

import java.util.Comparator;
import java.util.Optional;

/**
 * {@code semver:RANGE} (mirrorgate only): the candidate is a version satisfying the npm-style range
 * and, when the current tag is a version, greater than it; pre-releases only if the range names
 * one. The current tag need not be a version: the range says what is acceptable.
 *
 * @param range the range
 */
public record SemverRangePolicy(SemverRange range) implements UpdatePolicy {

  @Override
  public String name() {
    return "semver:" + range;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    Optional<Version> cand = candidate.version();
    if (cand.isEmpty()) {
      return "not a version";
    }
    Version v = cand.get();
    if (!SemverRange.representable(v)) {
      return "not a SemVer version (numbers up to 2147483647, pre-release of letters, digits, -)";
    }
    if (!range.isSatisfiedBy(v)) {
      return range.isSatisfiedIgnoringPreReleaseRule(v)
          ? "a pre-release, and the range names none at "
              + v.major()
              + "."
              + v.minor()
              + "."
              + v.patch()
          : "outside " + range;
    }
    return CandidateOrder.notLower(current, candidate, true);
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.VERSION;
  }
}
