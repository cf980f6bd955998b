package dev.mirrorgate.webhook.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way Kubernetes users write them: {@code 500ms}, {@code 2s}, {@code 1m}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim();
    try {
      if (v.endsWith("ms")) {
        return positive(value, Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> positive(value, Duration.ofSeconds(n));
        case 'm' -> positive(value, Duration.ofMinutes(n));
        case 'h' -> positive(value, Duration.ofHours(n));
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "\"" + value + "\" is not a duration; write e.g. 500ms, 2s, 1m or 1h");
    }
  }

  /** Like {@link DurationConverter}, also accepting zero ({@code 0}, {@code 0s}, {@code 0ms}). */
  public static final class OrZero implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim();
      if (v.equals("0") || v.matches("0+(ms|s|m|h)")) {
        return Duration.ZERO;
      }
      return new DurationConverter().convert(value);
    }
  }

  private static Duration positive(String value, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("\"" + value + "\" must be a positive duration");
    }
    return d;
  }
}
