package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * No update, whatever is pushed: {@code never}, an empty value, an unknown value, an invalid
 * policy, a paused OpenShift trigger.
 *
 * @param name the value as written
 * @param reason why nothing is updated, as a sentence
 */
public record NeverPolicy(String name, String reason) implements UpdatePolicy {

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    return reason;
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }

  @Override
  public String inert() {
    return reason;
  }
}
