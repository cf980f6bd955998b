package dev.mirrorgate.common.update;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * A cron schedule, in UTC: five fields (minute, hour, day of month, month, day of week), as the
 * contract says; six fields are read as Keel's (robfig/cron v1) seconds-first form. Each field is
 * {@code *}, a value, a range {@code a-b}, any of them with a step {@code /n}, or a comma list;
 * months and days of week also by name ({@code JAN}, {@code MON}); {@code ?} is {@code *} in the
 * day fields; day of week 7 is Sunday. When both day fields are restricted, a day matching either
 * fires (as in cron). The next firing is computed the way robfig/cron does, field by field.
 */
public final class CronSchedule {
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  /** How far ahead {@link #next} looks before it gives up (a schedule like February 30). */
  private static final int YEARS_AHEAD = 5;

  private final String text;
  private final boolean withSeconds;
  private final long seconds;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronSchedule(String text, boolean withSeconds, long[] fields, boolean dom, boolean dow) {
    this.text = text;
    this.withSeconds = withSeconds;
    this.seconds = fields[0];
    this.minutes = fields[1];
    this.hours = fields[2];
    this.daysOfMonth = fields[3];
    this.months = fields[4];
    this.daysOfWeek = fields[5];
    this.domRestricted = dom;
    this.dowRestricted = dow;
  }

  /**
   * Reads a schedule.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static CronSchedule parse(String text) {
    String[] f = text.trim().split("\\s+");
    if (f.length != 5 && f.length != 6) {
      throw new IllegalArgumentException(
          "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), found "
              + (text.isBlank() ? 0 : f.length));
    }
    boolean withSeconds = f.length == 6;
    int o = withSeconds ? 1 : 0;
    long[] fields = new long[6];
    fields[0] = withSeconds ? field(f[0], "second", 0, 59, null) : 1L;
    fields[1] = field(f[o], "minute", 0, 59, null);
    fields[2] = field(f[o + 1], "hour", 0, 23, null);
    fields[3] = field(f[o + 2], "day of month", 1, 31, null);
    fields[4] = field(f[o + 3], "month", 1, 12, MONTHS);
    long dow = field(f[o + 4], "day of week", 0, 7, DAYS);
    if ((dow & (1L << 7)) != 0) {
      dow = (dow | 1L) & ~(1L << 7);
    }
    fields[5] = dow;
    CronSchedule schedule =
        new CronSchedule(text.trim(), withSeconds, fields, !isStar(f[o + 2]), !isStar(f[o + 4]));
    if (schedule.next(Instant.parse("2000-01-01T00:00:00Z")).isEmpty()) {
      throw new IllegalArgumentException("the schedule never fires (no such day)");
    }
    return schedule;
  }

  private static boolean isStar(String field) {
    return field.startsWith("*") || field.startsWith("?");
  }

  private static long field(String text, String name, int min, int max, String[] names) {
    long bits = 0;
    for (String part : text.split(",", -1)) {
      bits |= part(part, name, min, max, names);
    }
    return bits;
  }

  private static long part(String part, String name, int min, int max, String[] names) {
    String range = part;
    int step = 1;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      range = part.substring(0, slash);
      step = number(part.substring(slash + 1), name, 1, max, null, part);
      if (step == 0) {
        throw bad(name, part, "a step must be at least 1");
      }
    }
    int from;
    int to;
    if (range.equals("*") || range.equals("?")) {
      if (range.equals("?") && !name.startsWith("day")) {
        throw bad(name, part, "\"?\" is only for the day fields");
      }
      from = min;
      to = max;
    } else {
      int dash = range.indexOf('-');
      if (dash >= 0) {
        from = number(range.substring(0, dash), name, min, max, names, part);
        to = number(range.substring(dash + 1), name, min, max, names, part);
        if (to < from) {
          throw bad(name, part, "the range runs backwards");
        }
      } else {
        from = number(range, name, min, max, names, part);
        to = slash >= 0 ? max : from;
      }
    }
    long bits = 0;
    for (int v = from; v <= to; v += step) {
      bits |= 1L << v;
    }
    return bits;
  }

  private static int number(String s, String name, int min, int max, String[] names, String part) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(s.toUpperCase(Locale.ROOT))) {
          return i + min;
        }
      }
    }
    if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(name, part, "\"" + s + "\" is not a number");
    }
    int v = Integer.parseInt(s);
    if (v < min || v > max) {
      throw bad(name, part, v + " is outside " + min + "-" + max);
    }
    return v;
  }

  private static IllegalArgumentException bad(String name, String part, String why) {
    return new IllegalArgumentException(name + " field \"" + part + "\": " + why);
  }

  /** The first firing strictly after {@code after}, or empty when none within five years. */
  public Optional<Instant> next(Instant after) {
    ChronoUnit unit = withSeconds ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
    ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(unit).plus(1, unit);
    int limit = t.getYear() + YEARS_AHEAD;
    boolean added = false;
    wrap:
    while (t.getYear() <= limit) {
      while (!has(months, t.getMonthValue())) {
        if (!added) {
          added = true;
          t = t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        }
        t = t.plusMonths(1);
        if (t.getMonthValue() == 1) {
          continue wrap;
        }
      }
      while (!dayMatches(t)) {
        if (!added) {
          added = true;
          t = t.truncatedTo(ChronoUnit.DAYS);
        }
        t = t.plusDays(1);
        if (t.getDayOfMonth() == 1) {
          continue wrap;
        }
      }
      while (!has(hours, t.getHour())) {
        if (!added) {
          added = true;
          t = t.truncatedTo(ChronoUnit.HOURS);
        }
        t = t.plusHours(1);
        if (t.getHour() == 0) {
          continue wrap;
        }
      }
      while (!has(minutes, t.getMinute())) {
        if (!added) {
          added = true;
          t = t.truncatedTo(ChronoUnit.MINUTES);
        }
        t = t.plusMinutes(1);
        if (t.getMinute() == 0) {
          continue wrap;
        }
      }
      while (!has(seconds, t.getSecond())) {
        if (!added) {
          added = true;
          t = t.truncatedTo(ChronoUnit.SECONDS);
        }
        t = t.plusSeconds(1);
        if (t.getSecond() == 0) {
          continue wrap;
        }
      }
      return Optional.of(t.toInstant());
    }
    return Optional.empty();
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = has(daysOfMonth, t.getDayOfMonth());
    boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  /** The schedule as written. */
  @Override
  public String toString() {
    return text;
  }
}
