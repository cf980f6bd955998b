package dev.mirrorgate.common.update;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration} grammar, which Keel's {@code @every} and Kubernetes users write:
 * a sequence of decimal numbers, each with a unit ({@code ns}, {@code us}, {@code µs}, {@code ms},
 * {@code s}, {@code m}, {@code h}), e.g. {@code 90s}, {@code 1h30m}, {@code 1.5h}; {@code 0} alone.
 * No sign: the values read here are never negative.
 */
final class GoDuration {
  private GoDuration() {}

  /**
   * Reads a duration.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Duration parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && (isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      String number = text.substring(start, i);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\" is not a duration: expected a number at \""
                + text.substring(start)
                + "\"");
      }
      int unitStart = i;
      while (i < text.length() && !isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      String unit = text.substring(unitStart, i);
      long scale =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" ->
                throw new IllegalArgumentException(
                    "\""
                        + text
                        + "\" is not a duration: \""
                        + number
                        + "\" needs a unit (s, m, h)");
            default ->
                throw new IllegalArgumentException(
                    "\"" + text + "\" is not a duration: unknown unit \"" + unit + "\"");
          };
      nanos =
          nanos.add(
              new BigDecimal(number.startsWith(".") ? "0" + number : number)
                  .multiply(BigDecimal.valueOf(scale)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("\"" + text + "\" is too long a duration");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
