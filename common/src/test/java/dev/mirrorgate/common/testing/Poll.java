package dev.mirrorgate.common.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Waits for an external process to reach a state, with a deadline. The harness cannot use
 * Awaitility: modules depending on the test-jar do not inherit common's test dependencies.
 */
final class Poll {
  private Poll() {}

  /**
   * Calls {@code condition} every {@code interval} until it returns true; exceptions count as no.
   */
  static void until(String what, Duration timeout, Duration interval, Callable<Boolean> condition)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        TimeoutException timedOut =
            new TimeoutException(
                what
                    + " not reached within "
                    + timeout
                    + (last == null ? "" : " (last error: " + last + ")"));
        if (last != null) {
          timedOut.initCause(last);
        }
        throw timedOut;
      }
      Thread.sleep(interval.toMillis());
    }
  }
}
