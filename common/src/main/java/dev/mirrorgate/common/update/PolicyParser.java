package dev.mirrorgate.common.update;

import java.util.List;

/**
 * Reads policy values: those of {@code mirrorgate.dev/policy[.<container>]} and {@code
 * keel.sh/policy}, and those of Argoos's {@code argoos.io/policy} label. A value that cannot be
 * read ({@code regexp:(}) is a problem that leaves the workload alone; an unknown word is a warning
 * and means never.
 */
final class PolicyParser {
  private static final String GLOB = "glob:";
  private static final String REGEXP = "regexp:";
  private static final String SEMVER = "semver:";

  private final UpdateSettings settings;
  private final List<AnnotationProblem> problems;

  PolicyParser(UpdateSettings settings, List<AnnotationProblem> problems) {
    this.settings = settings;
    this.problems = problems;
  }

  /** A {@code keel.sh/policy} or {@code mirrorgate.dev/policy} value found under {@code key}. */
  UpdatePolicy policy(String key, String value) {
    String v = value.trim();
    switch (v) {
      case "" -> {
        return new NeverPolicy(v, "the policy is empty: never updated");
      }
      case "never" -> {
        return new NeverPolicy(v, "the policy is never");
      }
      case "patch" -> {
        return level(VersionLevelPolicy.Level.PATCH);
      }
      case "minor" -> {
        return level(VersionLevelPolicy.Level.MINOR);
      }
      case "major" -> {
        return level(VersionLevelPolicy.Level.MAJOR);
      }
      case "all" -> {
        return level(VersionLevelPolicy.Level.ALL);
      }
      case "force" -> {
        return new ForcePolicy(settings.matchTag());
      }
      case "digest" -> {
        return new DigestPolicy();
      }
      default -> {
        // a prefixed policy below
      }
    }
    try {
      if (v.startsWith(GLOB)) {
        return new GlobPolicy(v.substring(GLOB.length()));
      }
      if (v.startsWith(REGEXP)) {
        return RegexpPolicy.of(v.substring(REGEXP.length()));
      }
      if (v.startsWith(SEMVER)) {
        return new SemverRangePolicy(SemverRange.parse(v.substring(SEMVER.length())));
      }
    } catch (IllegalArgumentException e) {
      problems.add(AnnotationProblem.invalid(key, value, e.getMessage()));
      return new NeverPolicy(v, "the policy cannot be read: " + e.getMessage());
    }
    return unknown(
        key,
        value,
        v,
        "patch, minor, major, all, force, glob:, regexp:, semver:, " + "digest, never");
  }

  /** An {@code argoos.io/policy} label value. */
  UpdatePolicy argoos(String value) {
    String v = value.trim();
    return switch (v) {
      case "", "never", "none" ->
          new NeverPolicy(v, "the Argoos policy is " + (v.isEmpty() ? "empty" : v));
      case "patch" -> level(VersionLevelPolicy.Level.PATCH);
      case "minor" -> level(VersionLevelPolicy.Level.MINOR);
      case "major" -> level(VersionLevelPolicy.Level.MAJOR);
      case "all" -> new ArgoosAllPolicy();
      case "latest" -> new ArgoosLatestPolicy();
      default -> unknown(Keys.ARGOOS_POLICY, value, v, "patch, minor, major, all, latest");
    };
  }

  private UpdatePolicy level(VersionLevelPolicy.Level level) {
    return new VersionLevelPolicy(level, settings.matchPreRelease());
  }

  private UpdatePolicy unknown(String key, String value, String v, String known) {
    problems.add(
        AnnotationProblem.warning(
            key, value, "unknown policy, never updated (known: " + known + ")"));
    return new NeverPolicy(v, "unknown policy \"" + v + "\": never updated");
  }
}
