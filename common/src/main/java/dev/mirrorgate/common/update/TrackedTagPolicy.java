package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * An OpenShift trigger from a {@code DockerImage}: that image's tag, a new digest updates the
 * selected container (whatever tag the container runs now).
 *
 * @param from the trigger's {@code from.name}, e.g. {@code registry.example/shop/web:prod}
 * @param tag the tag it follows
 */
public record TrackedTagPolicy(String from, String tag) implements UpdatePolicy {

  @Override
  public String name() {
    return "DockerImage " + from;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    return tag.equals(candidate.tag()) ? null : "the trigger follows the tag " + tag;
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }
}
