package dev.mirrorgate.common.update;

import java.util.Optional;
import org.semver4j.Semver;

/**
 * A tag read as a version, by the contract's grammar: an optional {@code v}/{@code V}, two or three
 * dot-separated decimal numbers, then optionally {@code -} and a pre-release ({@code 1.2}, {@code
 * v1.2.3}, {@code 1.25-alpine}, {@code 1.2.3-rc.1}). Missing parts are 0. Anything else ({@code
 * latest}, {@code 1.2.3.4}, {@code 20240101}, a git SHA) is not a version.
 *
 * <p>Order: the numeric core, then SemVer §11 pre-release precedence (a release is newer than its
 * pre-releases; identifiers of digits compare numerically and below alphanumeric ones, which
 * compare in ASCII order, so {@code rc10} is lower than {@code rc9} while {@code rc.10} is higher
 * than {@code rc.9}). Equality follows the order: {@code 1.2} equals {@code 1.2.0}; {@link #tag()}
 * and {@link #parts()} keep how the tag was written.
 */
public final class Version implements Comparable<Version> {
  /** Longest numeric part read; longer ones make the tag not a version (they do not fit a long). */
  private static final int MAX_DIGITS = 18;

  private final long major;
  private final long minor;
  private final long patch;
  private final String preRelease;
  private final int parts;
  private final String tag;

  private Version(long major, long minor, long patch, String preRelease, int parts, String tag) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.preRelease = preRelease;
    this.parts = parts;
    this.tag = tag;
  }

  /** The tag as a version, or empty when the tag is not one. */
  public static Optional<Version> parse(String tag) {
    if (tag == null || tag.isEmpty()) {
      return Optional.empty();
    }
    int i = 0;
    int len = tag.length();
    if (tag.charAt(0) == 'v' || tag.charAt(0) == 'V') {
      i = 1;
    }
    long[] core = new long[3];
    int parts = 0;
    while (true) {
      int start = i;
      while (i < len && tag.charAt(i) >= '0' && tag.charAt(i) <= '9') {
        i++;
      }
      if (i == start || i - start > MAX_DIGITS) {
        return Optional.empty();
      }
      core[parts++] = Long.parseLong(tag, start, i, 10);
      if (i < len && tag.charAt(i) == '.') {
        if (parts == 3) {
          return Optional.empty(); // a fourth part: 1.2.3.4
        }
        i++;
        continue;
      }
      break;
    }
    if (parts < 2) {
      return Optional.empty();
    }
    String pre = "";
    if (i < len) {
      if (tag.charAt(i) != '-' || !validPreRelease(tag, i + 1)) {
        return Optional.empty();
      }
      pre = tag.substring(i + 1);
    }
    return Optional.of(new Version(core[0], core[1], core[2], pre, parts, tag));
  }

  /** Whether {@code tag} is a version. */
  public static boolean isVersion(String tag) {
    return parse(tag).isPresent();
  }

  /** Dot-separated non-empty identifiers of letters, digits, {@code _} and {@code -}. */
  private static boolean validPreRelease(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    boolean identifierStart = true;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (identifierStart) {
          return false;
        }
        identifierStart = true;
      } else if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-') {
        identifierStart = false;
      } else {
        return false;
      }
    }
    return !identifierStart;
  }

  public long major() {
    return major;
  }

  public long minor() {
    return minor;
  }

  public long patch() {
    return patch;
  }

  /** The pre-release after the first {@code -} of the core, or "" for a release. */
  public String preRelease() {
    return preRelease;
  }

  /** How many numeric parts the tag writes: 2 or 3 (a tag with 3 is the more specific). */
  public int parts() {
    return parts;
  }

  /** The tag as written. */
  public String tag() {
    return tag;
  }

  /**
   * The version for semver4j's range checks ({@code major.minor.patch[-pre]}), or empty when it
   * cannot say it (a number over 2^31-1, or a pre-release that is not SemVer, e.g. with {@code _}).
   */
  public Optional<Semver> semver() {
    StringBuilder text = new StringBuilder().append(major).append('.').append(minor);
    text.append('.').append(patch);
    if (!preRelease.isEmpty()) {
      text.append('-').append(preRelease);
    }
    return Optional.ofNullable(Semver.parse(text.toString()));
  }

  @Override
  public int compareTo(Version o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
  }

  /** SemVer §11: no pre-release ranks above any; then identifier by identifier. */
  static int comparePreRelease(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    if (a.isEmpty()) {
      return 1;
    }
    if (b.isEmpty()) {
      return -1;
    }
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = compareIdentifier(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int compareIdentifier(String a, String b) {
    boolean numA = isDigits(a);
    boolean numB = isDigits(b);
    if (numA && numB) {
      String p = stripLeadingZeros(a);
      String q = stripLeadingZeros(b);
      return p.length() != q.length() ? Integer.compare(p.length(), q.length()) : p.compareTo(q);
    }
    if (numA) {
      return -1;
    }
    if (numB) {
      return 1;
    }
    return a.compareTo(b);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static String stripLeadingZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  /** Same major and minor. */
  public boolean sameMinorLine(Version o) {
    return major == o.major && minor == o.minor;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(major) * 961
        + Long.hashCode(minor) * 31
        + Long.hashCode(patch)
        + canonicalPreRelease().hashCode();
  }

  /** The pre-release with numeric identifiers without leading zeros (equal ones hash alike). */
  private String canonicalPreRelease() {
    if (preRelease.isEmpty()) {
      return preRelease;
    }
    StringBuilder out = new StringBuilder();
    for (String id : preRelease.split("\\.", -1)) {
      if (!out.isEmpty()) {
        out.append('.');
      }
      out.append(isDigits(id) ? stripLeadingZeros(id) : id);
    }
    return out.toString();
  }

  /** The tag as written. */
  @Override
  public String toString() {
    return tag;
  }
}
