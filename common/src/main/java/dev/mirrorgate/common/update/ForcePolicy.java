package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * {@code force}: any tag, except that when both tags are versions the candidate must not be lower
 * (Keel #823: {@code 7.9.1-1-ubi8 → 3.0.0} is refused); with {@code keel.sh/matchTag: "true"} only
 * the current tag (a new digest). Among pushed candidates the last pushed wins; among listed ones
 * the greatest version (a registry lists tags in an order that says nothing of their age).
 *
 * @param matchTag only the current tag
 */
public record ForcePolicy(boolean matchTag) implements UpdatePolicy {

  @Override
  public String name() {
    return "force";
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    if (matchTag && !current.hasTag(candidate.tag())) {
      return current.tag() == null
          ? "keel.sh/matchTag follows the current tag, and the container runs a digest without one"
          : "keel.sh/matchTag follows only the current tag " + current.tag();
    }
    return CandidateOrder.notLower(current, candidate, false);
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return source == Window.Source.PUSHED ? CandidateOrder.LAST_PUSHED : CandidateOrder.VERSION;
  }
}
