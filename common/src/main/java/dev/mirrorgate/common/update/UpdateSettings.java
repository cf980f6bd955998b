package dev.mirrorgate.common.update;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A workload's push-to-deploy settings, read from its annotations (and, for {@code keel.sh/} keys,
 * its labels, as Keel does) by {@link SettingsReader}.
 *
 * @param trigger pushes only, or a poll too
 * @param approvals votes needed before an update is applied ({@code keel.sh/approvals}, 0 = none)
 * @param approvalDeadline how long a Pending update waits for them ({@code
 *     keel.sh/approvalDeadline} hours, default 24)
 * @param pinDigest write {@code repo:tag@digest} ({@code mirrorgate.dev/pin-digest}, default true)
 * @param rollback revert a failed rollout ({@code mirrorgate.dev/rollback}, default false)
 * @param rollbackAfter how long a rollout may not progress ({@code mirrorgate.dev/rollback-after},
 *     default 10m)
 * @param imagePullSecret a Secret for the registry ({@code keel.sh/imagePullSecret}), or null
 * @param matchTag {@code force} follows only the current tag ({@code keel.sh/matchTag})
 * @param matchPreRelease pre-releases must match ({@code keel.sh/matchPreRelease}, default true)
 * @param initContainers init containers are tracked ({@code keel.sh/initContainers})
 * @param monitorContainers only containers whose name this finds are tracked ({@code
 *     keel.sh/monitorContainers}), or null for all
 */
public record UpdateSettings(
    Trigger trigger,
    int approvals,
    Duration approvalDeadline,
    boolean pinDigest,
    boolean rollback,
    Duration rollbackAfter,
    String imagePullSecret,
    boolean matchTag,
    boolean matchPreRelease,
    boolean initContainers,
    Pattern monitorContainers) {

  public static final Duration DEFAULT_APPROVAL_DEADLINE = Duration.ofHours(24);
  public static final Duration DEFAULT_ROLLBACK_AFTER = Duration.ofMinutes(10);

  /** The settings of a workload without any annotation. */
  public static final UpdateSettings DEFAULTS =
      new UpdateSettings(
          Trigger.PUSH,
          0,
          DEFAULT_APPROVAL_DEADLINE,
          true,
          false,
          DEFAULT_ROLLBACK_AFTER,
          null,
          false,
          true,
          false,
          null);
}
