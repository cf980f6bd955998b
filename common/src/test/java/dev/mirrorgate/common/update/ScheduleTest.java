package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code keel.sh/pollSchedule}: parsing, and the next firing as a function of (schedule, now). */
class ScheduleTest {

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          @every 5m               | 2026-11-25T10:00:07Z | 2026-11-25T10:05:07Z
          @every 1h30m            | 2026-11-25T10:00:00Z | 2026-11-25T11:30:00Z
          @every 90s              | 2026-11-25T10:00:00Z | 2026-11-25T10:01:30Z
          */5 * * * *             | 2026-11-25T00:02:30Z | 2026-11-25T00:05:00Z
          */5 * * * *             | 2026-11-25T00:05:00Z | 2026-11-25T00:10:00Z
          0 1 * * *               | 2026-11-25T01:00:00Z | 2026-11-26T01:00:00Z
          0 1 * * *               | 2026-11-25T00:59:59Z | 2026-11-25T01:00:00Z
          30 8 * * MON-FRI        | 2026-11-27T09:00:00Z | 2026-11-30T08:30:00Z
          30 8 * * 1-5            | 2026-11-27T08:00:00Z | 2026-11-27T08:30:00Z
          0 0 29 2 *              | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z
          0 0 1,15 * 1            | 2026-11-25T00:00:00Z | 2026-11-30T00:00:00Z
          0 0 1,15 * 2            | 2026-11-25T00:00:00Z | 2026-12-01T00:00:00Z
          0 12 * JAN,jul *        | 2026-11-25T00:00:00Z | 2027-01-01T12:00:00Z
          0 0 * * 7               | 2026-11-25T00:00:00Z | 2026-11-29T00:00:00Z
          0 0 * * SUN             | 2026-11-25T00:00:00Z | 2026-11-29T00:00:00Z
          59 23 31 12 *           | 2026-12-31T23:59:00Z | 2027-12-31T23:59:00Z
          10-20/5 * * * *         | 2026-11-25T10:16:00Z | 2026-11-25T10:20:00Z
          10/20 * * * *           | 2026-11-25T10:31:00Z | 2026-11-25T10:50:00Z
          0 */5 * * * *           | 2026-11-25T00:02:30Z | 2026-11-25T00:05:00Z
          15 * * * * ?            | 2026-11-25T00:00:20Z | 2026-11-25T00:01:15Z
          @hourly                 | 2026-11-25T10:15:00Z | 2026-11-25T11:00:00Z
          @daily                  | 2026-11-25T10:15:00Z | 2026-11-26T00:00:00Z
          @weekly                 | 2026-11-25T10:15:00Z | 2026-11-29T00:00:00Z
          @monthly                | 2026-11-25T10:15:00Z | 2026-12-01T00:00:00Z
          @yearly                 | 2026-11-25T10:15:00Z | 2027-01-01T00:00:00Z
          """)
  void nextFiring(String schedule, String after, String next) {
    assertThat(PollSchedule.parse(schedule).next(Instant.parse(after)))
        .contains(Instant.parse(next));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          * * * *                | has 5 fields
          * * * * * * *          | has 5 fields
          ''                     | has 5 fields
          60 * * * *             | minute field "60": 60 is outside 0-59
          * 24 * * *             | hour field "24"
          * * 0 * *              | day of month field "0"
          * * * 13 *             | month field "13"
          * * * * 8              | day of week field "8"
          */0 * * * *            | minute field "*/0"
          5-1 * * * *            | the range runs backwards
          ? * * * *              | only for the day fields
          x * * * *              | "x" is not a number
          * * * FOO *            | "FOO" is not a number
          0 0 30 2 *             | never fires
          0 0 31 4,6,9,11 *      | never fires
          @weekday               | unknown descriptor
          @every                 | needs a duration
          @every 500ms           | more often than every second
          @every 5               | needs a unit
          @every 5x              | unknown unit
          @every m               | expected a number
          """)
  void refusesBadSchedules(String schedule, String message) {
    assertThatThrownBy(() -> PollSchedule.parse(schedule))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0        | PT0S
          10m      | PT10M
          1h30m    | PT1H30M
          1.5h     | PT1H30M
          .5s      | PT0.5S
          500ms    | PT0.5S
          2h45m30s | PT2H45M30S
          1us      | PT0.000001S
          1µs      | PT0.000001S
          7ns      | PT0.000000007S
          """)
  void goDurations(String text, String iso) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource({"''", "10", "1.2.3s", "-5m", "5 m", "1d", "."})
  void badGoDurations(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
