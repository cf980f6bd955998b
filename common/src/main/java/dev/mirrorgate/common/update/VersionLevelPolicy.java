package dev.mirrorgate.common.update;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code patch}, {@code minor}, {@code major}, {@code all} (Keel, and Argoos's {@code patch},
 * {@code minor}, {@code major}): both tags are versions and the candidate is greater; {@code minor}
 * keeps the major, {@code patch} the major and minor. For {@code patch}, {@code minor} and {@code
 * major} the candidate's pre-release must equal the current's unless {@code
 * keel.sh/matchPreRelease: "false"}; {@code all} ignores that rule. A current tag that is not a
 * version gets no update.
 *
 * @param level how far a candidate may move
 * @param matchPreRelease whether pre-releases must match ({@code keel.sh/matchPreRelease})
 */
public record VersionLevelPolicy(Level level, boolean matchPreRelease) implements UpdatePolicy {

  /** How far a candidate may move. */
  public enum Level {
    PATCH,
    MINOR,
    MAJOR,
    ALL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public String name() {
    return level.toString();
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    Optional<Version> cur = current.version();
    if (cur.isEmpty()) {
      return current.tag() == null
          ? "the container runs a digest without a tag"
          : "the current tag " + current.tag() + " is not a version";
    }
    Optional<Version> cand = candidate.version();
    if (cand.isEmpty()) {
      return "not a version";
    }
    Version from = cur.get();
    Version to = cand.get();
    if (level != Level.ALL && matchPreRelease && !to.preRelease().equals(from.preRelease())) {
      return "pre-release "
          + describe(to.preRelease())
          + " is not the current one, "
          + describe(from.preRelease());
    }
    int c = to.compareTo(from);
    if (c < 0) {
      return "lower than " + from.tag();
    }
    if (c == 0) {
      return "not newer than " + from.tag();
    }
    if ((level == Level.MINOR || level == Level.PATCH) && to.major() != from.major()) {
      return "a major update";
    }
    if (level == Level.PATCH && to.minor() != from.minor()) {
      return "a minor update";
    }
    return null;
  }

  private static String describe(String preRelease) {
    return preRelease.isEmpty() ? "(none)" : "\"" + preRelease + "\"";
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.VERSION;
  }
}
