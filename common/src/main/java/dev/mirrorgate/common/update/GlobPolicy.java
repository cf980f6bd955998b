package dev.mirrorgate.common.update;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * {@code glob:PATTERN}: the tag matches the whole pattern ({@code *} any run of characters, {@code
 * ?} one character); if both tags are versions the candidate must be greater. Versions rank by
 * version order, not as strings (Keel compares {@code 1.10.0} and {@code 1.9.0} lexically).
 */
public final class GlobPolicy implements UpdatePolicy {
  private final String pattern;
  private final Pattern regex;

  /**
   * @param pattern the pattern after {@code glob:}, not empty
   */
  public GlobPolicy(String pattern) {
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("empty glob pattern");
    }
    this.pattern = pattern;
    this.regex = Pattern.compile(toRegex(pattern));
  }

  static String toRegex(String glob) {
    StringBuilder out = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          out.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        out.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      out.append(Pattern.quote(literal.toString()));
    }
    return out.toString();
  }

  @Override
  public String name() {
    return "glob:" + pattern;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    if (!regex.matcher(candidate.tag()).matches()) {
      return "does not match " + pattern;
    }
    return CandidateOrder.notLower(current, candidate, true);
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    return CandidateOrder.VERSION;
  }

  @Override
  public String toString() {
    return name();
  }
}
