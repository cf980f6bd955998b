package dev.mirrorgate.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessAgeTest {

  /** A /proc/self/stat line whose 22nd field (start time in ticks) is {@code ticks}. */
  static String stat(String comm, long ticks) {
    return "4242 ("
        + comm
        + ") S 1 4242 4242 0 -1 4194560 3000 0 0 0 10 5 0 0 20 0 19 0 "
        + ticks
        + " 2684354560 17000 18446744073709551615 1 1 0 0 0 0 0 4096 17102 0 0 0 17 1 0 0 0 0 0\n";
  }

  @ParameterizedTest(name = "{0}: up {2} s, started at tick {1} -> {3} ms")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          java                 | 1000000 | 10000.45 | 450
          java                 | 1000000 | 10001.00 | 1000
          'a) b (c'            | 250     | 3.10     | 600
          'java ) S 1 2 3 4 5' | 99      | 0.99     | 0
          """)
  void ageIsUptimeMinusStartTicks(String comm, long ticks, String up, long expectedMillis) {
    assertThat(ProcessAge.age(stat(comm, ticks), up + " 1234.56\n"))
        .isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @org.junit.jupiter.api.Test
  void thisProcessIsYoungerThanTheMachineAndNotNegative() {
    Duration age = ProcessAge.now().orElseThrow();
    assertThat(age).isPositive();
    // The test JVM started before this test ran, and not a day ago.
    assertThat(age).isLessThan(Duration.ofDays(1));
  }
}
