package dev.mirrorgate.common.update;

import java.util.Comparator;

/** {@code digest} (mirrorgate only): the current tag with a new digest. */
public record DigestPolicy() implements UpdatePolicy {

  @Override
  public String name() {
    return "digest";
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    if (current.tag() == null) {
      return "the container runs a digest without a tag to follow";
    }
    return current.hasTag(candidate.tag()) ? null : "not the current tag " + current.tag();
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }
}
