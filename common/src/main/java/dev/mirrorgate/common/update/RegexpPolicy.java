package dev.mirrorgate.common.update;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code regexp:RE}: the tag matches (a search, not a full match). With a named group {@code
 * compare} (Go's {@code (?P<compare>…)} or Java's {@code (?<compare>…)}) its values are compared,
 * numerically when both are numbers, and must grow (when the current tag has no such value, as
 * {@code glob:}); candidates rank by that value. Without it, as {@code glob:}: when both tags are
 * versions the candidate must be greater, and versions rank by version order. Keel orders regexp
 * candidates only when polling, and lexically.
 */
public final class RegexpPolicy implements UpdatePolicy {
  static final String COMPARE = "compare";

  private final String expression;
  private final Pattern pattern;
  private final boolean hasCompare;

  private RegexpPolicy(String expression, Pattern pattern) {
    this.expression = expression;
    this.pattern = pattern;
    this.hasCompare = pattern.namedGroups().containsKey(COMPARE);
  }

  /**
   * Compiles the expression after {@code regexp:}.
   *
   * @throws IllegalArgumentException with the reason when it is empty or not a regular expression
   */
  public static RegexpPolicy of(String expression) {
    if (expression.isEmpty()) {
      throw new IllegalArgumentException("empty regular expression");
    }
    try {
      return new RegexpPolicy(expression, Pattern.compile(expression.replace("(?P<", "(?<")));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "not a regular expression: "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""),
          e);
    }
  }

  /** Whether the expression has a group named {@code compare}. */
  public boolean hasCompareGroup() {
    return hasCompare;
  }

  @Override
  public String name() {
    return "regexp:" + expression;
  }

  @Override
  public String refusal(CurrentImage current, Candidate candidate) {
    Matcher m = pattern.matcher(candidate.tag());
    if (!m.find()) {
      return "does not match " + expression;
    }
    if (!hasCompare) {
      return CandidateOrder.notLower(current, candidate, true);
    }
    String value = m.group(COMPARE);
    if (value == null || value.isEmpty()) {
      return "the group compare matched nothing";
    }
    String currentValue = compareValue(current.tag());
    if (currentValue == null) {
      return CandidateOrder.notLower(current, candidate, true); // nothing to compare: as glob
    }
    if (compareValues(value, currentValue) <= 0) {
      return "compare value " + value + " is not greater than the current " + currentValue;
    }
    return null;
  }

  /** The compare group's value in {@code tag}, or null. */
  String compareValue(String tag) {
    if (tag == null || !hasCompare) {
      return null;
    }
    Matcher m = pattern.matcher(tag);
    if (!m.find()) {
      return null;
    }
    String v = m.group(COMPARE);
    return v == null || v.isEmpty() ? null : v;
  }

  /**
   * Numbers compare numerically and below other values, which compare as strings: a total order
   * that compares two numbers numerically, as the contract says.
   */
  static int compareValues(String a, String b) {
    boolean na = isNumber(a);
    boolean nb = isNumber(b);
    if (na && nb) {
      String x = stripZeros(a);
      String y = stripZeros(b);
      return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  @Override
  public Comparator<Candidate> preference(Window.Source source) {
    if (!hasCompare) {
      return CandidateOrder.VERSION;
    }
    Comparator<Candidate> byValue =
        (a, b) -> compareValues(compareValue(a.tag()), compareValue(b.tag()));
    return byValue.thenComparing(CandidateOrder.VERSION_THEN_EQUAL);
  }

  @Override
  public String toString() {
    return name();
  }
}
