package dev.mirrorgate.common.update;

/**
 * What push-to-deploy decides for one container, with the reason.
 *
 * @param container the container's name
 * @param image its image as written now
 * @param policy where its policy comes from ({@code keel.sh/policy=minor}), or null when untracked
 * @param trigger {@code push} or {@code poll}, or null when untracked
 * @param outcome what was decided, for a metric label
 * @param update the image the container gets, or null
 * @param chosen the candidate the update is made of, or null
 * @param bumpUpdatedAt whether the pod template annotation {@code mirrorgate.dev/updated-at} must
 *     be bumped (the update writes no digest, so the image string alone may not roll out)
 * @param reason a short human sentence
 */
public record UpdateDecision(
    String container,
    String image,
    String policy,
    String trigger,
    Outcome outcome,
    String update,
    Candidate chosen,
    boolean bumpUpdatedAt,
    String reason) {

  /** What was decided (bounded: fit for a metric label). */
  public enum Outcome {
    /** The container moves to {@code update}. */
    UPDATE,
    /** Nothing of its repository in the window. */
    NO_CANDIDATE,
    /** Candidates, none accepted by the policy. */
    REFUSED,
    /** The chosen image is what it runs already. */
    CURRENT,
    /** The policy never updates (never, unknown, paused, ImageStreamTag). */
    INERT,
    /** A workload annotation cannot be read: nothing is changed until it is fixed. */
    LEFT_ALONE,
    /** The container is not tracked. */
    UNTRACKED
  }

  public boolean isUpdate() {
    return outcome == Outcome.UPDATE;
  }
}
