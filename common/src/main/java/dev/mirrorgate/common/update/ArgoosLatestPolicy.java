package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * {@code argoos.io/policy: latest}: only a new digest of the tag {@code latest}, when the container
 * runs {@code latest}.
 */
public record ArgoosLatestPolicy() implements UpdatePolicy {
  private static final String LATEST = "latest";

  @Override
  public String name() {
    return LATEST;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    if (!LATEST.equals(candidate.tag())) {
      return "not the tag latest";
    }
    return current.hasTag(LATEST) ? null : "the container does not run latest";
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }
}
