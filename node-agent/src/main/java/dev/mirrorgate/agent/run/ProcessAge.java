package dev.mirrorgate.agent.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long ago this process started, as {@code ps -o etimes} computes it: the system's uptime minus
 * the process's start time in clock ticks since boot, both to the hundredth of a second. {@code
 * ProcessHandle.info().startInstant()} is not usable for this: it adds the boot time, which Linux
 * gives in whole seconds, and so is up to a second early.
 */
final class ProcessAge {

  /** {@code USER_HZ}: 100 on every Linux architecture the agent runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** Field 22 of {@code /proc/<pid>/stat}, counted after the parenthesised command name. */
  private static final int START_TIME_FIELD = 19;

  private ProcessAge() {}

  /** The age of this process, or empty where {@code /proc} cannot tell. */
  static Optional<Duration> now() {
    try {
      return Optional.of(
          age(
              Files.readString(Path.of("/proc/self/stat")),
              Files.readString(Path.of("/proc/uptime"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The age from the texts of {@code /proc/self/stat} and {@code /proc/uptime}. */
  static Duration age(String stat, String uptime) {
    // The command name may hold spaces and parentheses; the fields start after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    double startSeconds = Long.parseLong(fields[START_TIME_FIELD]) / TICKS_PER_SECOND;
    double upSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
    return Duration.ofMillis(Math.round((upSeconds - startSeconds) * 1000));
  }
}
