package dev.mirrorgate.common.update;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.semver4j.range.RangeList;
import org.semver4j.range.RangeListFactory;

/**
 * An npm-style range ({@code ~1.2}, {@code ^1}, {@code >=1.2.0 <2.0.0}, {@code 1.x}, {@code 1.2 -
 * 1.4}, {@code ||}), checked against npm's grammar here (semver4j silently drops what it does not
 * understand) and then evaluated by semver4j. A pre-release satisfies it only when a comparator of
 * the same {@code major.minor.patch} names a pre-release (npm's rule).
 */
public final class SemverRange {
  private static final String XR = "(?:[xX*]|\\d+)";
  private static final String PRE = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
  private static final String PARTIAL =
      "[vV]?" + XR + "(?:\\." + XR + "(?:\\." + XR + "(?:-" + PRE + ")?(?:\\+" + PRE + ")?)?)?";
  private static final Pattern COMPARATOR =
      Pattern.compile("(<=|>=|<|>|=|~>|~|\\^)?(" + PARTIAL + ")");
  private static final Pattern HYPHEN =
      Pattern.compile("(" + PARTIAL + ")\\s+-\\s+(" + PARTIAL + ")");
  private static final Pattern OPERATOR_SPACE = Pattern.compile("(<=|>=|<|>|=|~>|~|\\^)\\s+");

  private final String text;
  private final RangeList strict;
  private final RangeList withPreReleases;

  private SemverRange(String text, String normalized) {
    this.text = text;
    this.strict = RangeListFactory.create(normalized, false);
    this.withPreReleases = RangeListFactory.create(normalized, true);
  }

  /**
   * Reads a range.
   *
   * @throws IllegalArgumentException saying which part is not a range
   */
  public static SemverRange parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty range");
    }
    List<String> sections = new ArrayList<>();
    for (String section : trimmed.split("\\|\\|", -1)) {
      String s = section.trim();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("an empty alternative around \"||\"");
      }
      Matcher hyphen = HYPHEN.matcher(s);
      if (hyphen.matches()) {
        sections.add(stripV(hyphen.group(1)) + " - " + stripV(hyphen.group(2)));
        continue;
      }
      List<String> comparators = new ArrayList<>();
      for (String token : OPERATOR_SPACE.matcher(s).replaceAll("$1").split("\\s+")) {
        Matcher m = COMPARATOR.matcher(token);
        if (!m.matches()) {
          throw new IllegalArgumentException("\"" + token + "\" is not a version comparator");
        }
        comparators.add((m.group(1) == null ? "" : m.group(1)) + stripV(m.group(2)));
      }
      sections.add(String.join(" ", comparators));
    }
    return new SemverRange(trimmed, String.join(" || ", sections));
  }

  private static String stripV(String partial) {
    return partial.charAt(0) == 'v' || partial.charAt(0) == 'V' ? partial.substring(1) : partial;
  }

  /** Whether the version satisfies the range (pre-releases only where the range names one). */
  public boolean isSatisfiedBy(Version version) {
    return version.semver().map(strict::isSatisfiedBy).orElse(false);
  }

  /**
   * Whether the version would satisfy the range if pre-releases were allowed: tells "a pre-release
   * the range does not name" apart from "outside the range".
   */
  boolean isSatisfiedIgnoringPreReleaseRule(Version version) {
    return version.semver().map(withPreReleases::isSatisfiedBy).orElse(false);
  }

  /** Whether semver4j can represent the version at all. */
  static boolean representable(Version version) {
    return version.semver().isPresent();
  }

  /** The range as written. */
  @Override
  public String toString() {
    return text;
  }
}
