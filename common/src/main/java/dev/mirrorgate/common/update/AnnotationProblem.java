package dev.mirrorgate.common.update;

/**
 * Something wrong with a workload's annotation or label, for a Warning Event.
 *
 * @param key the annotation or label, e.g. {@code keel.sh/pollSchedule}
 * @param value its value as written
 * @param problem what is wrong, e.g. {@code not a schedule: write "@every 5m" or a 5-field cron}
 * @param severity whether the workload is left alone
 */
public record AnnotationProblem(String key, String value, String problem, Severity severity) {
  private static final int VALUE_SHOWN = 120;

  /** What a problem does to the workload. */
  public enum Severity {
    /** The value cannot be read: the workload is left alone until it is fixed. */
    INVALID,
    /** The value is read but means nothing useful (e.g. an unknown policy: never). */
    WARNING
  }

  static AnnotationProblem invalid(String key, String value, String problem) {
    return new AnnotationProblem(key, value, problem, Severity.INVALID);
  }

  static AnnotationProblem warning(String key, String value, String problem) {
    return new AnnotationProblem(key, value, problem, Severity.WARNING);
  }

  /** {@code key: "value": problem}, the value shortened when long. */
  public String message() {
    String shown =
        value.length() > VALUE_SHOWN ? value.substring(0, VALUE_SHOWN - 3) + "..." : value;
    return key + ": \"" + shown + "\": " + problem;
  }

  @Override
  public String toString() {
    return message();
  }
}
