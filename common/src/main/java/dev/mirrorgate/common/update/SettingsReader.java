package dev.mirrorgate.common.update;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@link UpdateSettings} from a workload, adding a problem for every value it cannot read
 * (and using the default for it) instead of stopping at the first.
 */
final class SettingsReader {
  private static final Pattern SECRET_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_APPROVALS = 100;

  private final Workload workload;
  private final List<AnnotationProblem> problems;

  SettingsReader(Workload workload, List<AnnotationProblem> problems) {
    this.workload = workload;
    this.problems = problems;
  }

  UpdateSettings read() {
    UpdateSettings d = UpdateSettings.DEFAULTS;
    return new UpdateSettings(
        trigger(),
        approvals(),
        approvalDeadline(),
        bool(Keys.PIN_DIGEST, workload.annotations().get(Keys.PIN_DIGEST), d.pinDigest()),
        bool(Keys.ROLLBACK, workload.annotations().get(Keys.ROLLBACK), d.rollback()),
        rollbackAfter(),
        imagePullSecret(),
        matchTag(),
        bool(Keys.KEEL_MATCH_PRE_RELEASE, keel(Keys.KEEL_MATCH_PRE_RELEASE), d.matchPreRelease()),
        bool(Keys.KEEL_INIT_CONTAINERS, keel(Keys.KEEL_INIT_CONTAINERS), d.initContainers()),
        monitorContainers());
  }

  /** A {@code keel.sh/} key: the annotation, else the label (Keel reads both). */
  private String keel(String key) {
    String v = workload.annotations().get(key);
    return v != null ? v : workload.labels().get(key);
  }

  private Trigger trigger() {
    String key = Keys.MIRRORGATE_TRIGGER;
    String value = workload.annotations().get(key);
    if (value == null) {
      key = Keys.KEEL_TRIGGER;
      value = keel(key);
    }
    PollSchedule schedule = PollSchedule.DEFAULT;
    String scheduleText = keel(Keys.KEEL_POLL_SCHEDULE);
    if (scheduleText != null) {
      try {
        schedule = PollSchedule.parse(scheduleText);
      } catch (IllegalArgumentException e) {
        invalid(
            Keys.KEEL_POLL_SCHEDULE,
            scheduleText,
            "not a schedule: "
                + e.getMessage()
                + "; write \"@every 5m\" or a 5-field cron such as \"*/5 * * * *\"");
      }
    }
    if (value == null) {
      return Trigger.PUSH;
    }
    return switch (value.trim()) {
      case "poll" -> Trigger.poll(schedule);
      case "", "default", "push" -> Trigger.PUSH;
      default -> {
        invalid(key, value, "unknown trigger (known: poll, default)");
        yield Trigger.PUSH;
      }
    };
  }

  private int approvals() {
    String value = keel(Keys.KEEL_APPROVALS);
    if (value == null) {
      return 0;
    }
    Integer n = smallInt(value.trim(), 0, MAX_APPROVALS);
    if (n == null) {
      invalid(
          Keys.KEEL_APPROVALS,
          value,
          "not a number of approvals (a whole number from 0 to " + MAX_APPROVALS + ")");
      return 0;
    }
    return n;
  }

  private Duration approvalDeadline() {
    String value = keel(Keys.KEEL_APPROVAL_DEADLINE);
    if (value == null) {
      return UpdateSettings.DEFAULT_APPROVAL_DEADLINE;
    }
    Integer hours = smallInt(value.trim(), 1, 24 * 365);
    if (hours == null) {
      invalid(
          Keys.KEEL_APPROVAL_DEADLINE,
          value,
          "not a deadline: write a whole number of hours from 1 to 8760, e.g. \"24\"");
      return UpdateSettings.DEFAULT_APPROVAL_DEADLINE;
    }
    return Duration.ofHours(hours);
  }

  private Duration rollbackAfter() {
    String value = workload.annotations().get(Keys.ROLLBACK_AFTER);
    if (value == null) {
      return UpdateSettings.DEFAULT_ROLLBACK_AFTER;
    }
    try {
      Duration d = GoDuration.parse(value.trim());
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        invalid(Keys.ROLLBACK_AFTER, value, "must be at least 1s");
        return UpdateSettings.DEFAULT_ROLLBACK_AFTER;
      }
      return d;
    } catch (IllegalArgumentException e) {
      invalid(Keys.ROLLBACK_AFTER, value, e.getMessage() + "; write e.g. \"10m\" or \"1h30m\"");
      return UpdateSettings.DEFAULT_ROLLBACK_AFTER;
    }
  }

  private String imagePullSecret() {
    String value = keel(Keys.KEEL_IMAGE_PULL_SECRET);
    if (value == null) {
      return null;
    }
    String name = value.trim();
    if (name.length() > 253 || !SECRET_NAME.matcher(name).matches()) {
      invalid(
          Keys.KEEL_IMAGE_PULL_SECRET,
          value,
          "not a Secret name (lowercase letters, digits, \"-\" and \".\")");
      return null;
    }
    return name;
  }

  private boolean matchTag() {
    String value = keel(Keys.KEEL_MATCH_TAG);
    if (value != null) {
      return bool(Keys.KEEL_MATCH_TAG, value, false);
    }
    return bool(Keys.KEEL_MATCH_TAG_LEGACY, keel(Keys.KEEL_MATCH_TAG_LEGACY), false);
  }

  private Pattern monitorContainers() {
    String value = keel(Keys.KEEL_MONITOR_CONTAINERS);
    if (value == null) {
      return null;
    }
    try {
      return Pattern.compile(value.replace("(?P<", "(?<"));
    } catch (PatternSyntaxException e) {
      invalid(
          Keys.KEEL_MONITOR_CONTAINERS, value, "not a regular expression: " + e.getDescription());
      return null; // the workload is left alone: its decisions say why, container by container
    }
  }

  private boolean bool(String key, String value, boolean fallback) {
    if (value == null) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        invalid(key, value, "not a boolean: write \"true\" or \"false\"");
        yield fallback;
      }
    };
  }

  private static Integer smallInt(String s, int min, int max) {
    if (s.isEmpty() || s.length() > 6 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int n = Integer.parseInt(s);
    return n < min || n > max ? null : n;
  }

  private void invalid(String key, String value, String problem) {
    problems.add(AnnotationProblem.invalid(key, value, problem));
  }
}
