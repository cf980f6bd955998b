package dev.mirrorgate.common.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for a test tier whose prerequisite is missing (binaries, a browser, images, a
 * kubelet, Docker for the optional tier): the test or class is skipped with what is missing and
 * what to do, except under {@code CI=true}, where it fails, so that CI never passes by skipping.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /**
   * Skips (or, under {@code CI=true}, fails) with {@code message}, printed as {@code [who] skipping
   * subject: message}: Surefire does not show why a whole class was skipped.
   *
   * @param subject what is skipped (a class's display name), or null
   * @param cause why the prerequisite was found missing, or null
   */
  public static void missing(String who, String subject, String message, Throwable cause) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message, cause);
    }
    System.err.println(
        "[" + who + "] skipping" + (subject == null ? "" : " " + subject) + ": " + message);
    Assumptions.abort(message);
  }
}
