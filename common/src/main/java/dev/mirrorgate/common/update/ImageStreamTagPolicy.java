package dev.mirrorgate.common.update;

import java.util.Comparator;

/**
 * An OpenShift trigger from an {@code ImageStreamTag}: resolved through the ImageStream API when
 * the cluster serves {@code image.openshift.io/v1}; pushes alone never decide it.
 *
 * @param streamTag the ImageStreamTag, {@code stream:tag}
 * @param namespace its namespace, or null for the workload's
 */
public record ImageStreamTagPolicy(String streamTag, String namespace) implements UpdatePolicy {

  @Override
  public String name() {
    return "ImageStreamTag " + (namespace == null ? "" : namespace + "/") + streamTag;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    return inert();
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.LAST_PUSHED;
  }

  @Override
  public String inert() {
    return "ImageStreamTag "
        + (namespace == null ? "" : namespace + "/")
        + streamTag
        + " is resolved through the ImageStream API (image.openshift.io/v1), not by pushes";
  }
}
