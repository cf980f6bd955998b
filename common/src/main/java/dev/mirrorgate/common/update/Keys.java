package dev.mirrorgate.common.update;

/** The annotations and labels push-to-deploy reads (contract: ARCHITECTURE.md). */
public final class Keys {
  private Keys() {}

  /** Per container: {@code mirrorgate.dev/policy.<container>}. */
  public static final String MIRRORGATE_POLICY_PREFIX = "mirrorgate.dev/policy.";

  public static final String MIRRORGATE_POLICY = "mirrorgate.dev/policy";
  public static final String MIRRORGATE_TRIGGER = "mirrorgate.dev/trigger";
  public static final String PIN_DIGEST = "mirrorgate.dev/pin-digest";
  public static final String ROLLBACK = "mirrorgate.dev/rollback";
  public static final String ROLLBACK_AFTER = "mirrorgate.dev/rollback-after";

  /** The pod template annotation bumped when an update writes no digest. */
  public static final String UPDATED_AT = "mirrorgate.dev/updated-at";

  public static final String KEEL_POLICY = "keel.sh/policy";
  public static final String KEEL_TRIGGER = "keel.sh/trigger";
  public static final String KEEL_POLL_SCHEDULE = "keel.sh/pollSchedule";
  public static final String KEEL_APPROVALS = "keel.sh/approvals";
  public static final String KEEL_APPROVAL_DEADLINE = "keel.sh/approvalDeadline";
  public static final String KEEL_MATCH_TAG = "keel.sh/matchTag";
  public static final String KEEL_MATCH_TAG_LEGACY = "keel.sh/match-tag";
  public static final String KEEL_MATCH_PRE_RELEASE = "keel.sh/matchPreRelease";
  public static final String KEEL_INIT_CONTAINERS = "keel.sh/initContainers";
  public static final String KEEL_MONITOR_CONTAINERS = "keel.sh/monitorContainers";
  public static final String KEEL_IMAGE_PULL_SECRET = "keel.sh/imagePullSecret";

  public static final String ARGOOS_POLICY = "argoos.io/policy";

  public static final String OPENSHIFT_TRIGGERS = "image.openshift.io/triggers";
}
