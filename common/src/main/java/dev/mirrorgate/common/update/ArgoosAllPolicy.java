package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * {@code argoos.io/policy: all}: any pushed tag, even a lower or non-version one, and a re-push of
 * the current tag; the last pushed wins.
 */
public record ArgoosAllPolicy() implements UpdatePolicy {

  @Override
  public String name() {
    return "all";
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    return null;
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }
}
