package dev.mirrorgate.webhook.controller;

import java.time.Duration;
import java.util.Optional;

/** What a reconcile asks for next: nothing, or another look after a delay (e.g. a renewal). */
public record Result(Optional<Duration> requeueAfter) {
  private static final Result DONE = new Result(Optional.empty());

  public static Result done() {
    return DONE;
  }

  public static Result after(Duration delay) {
    return new Result(Optional.of(delay));
  }

  /** The sooner of the two requests. */
  public Result sooner(Result other) {
    if (requeueAfter.isEmpty()) {
      return other;
    }
    if (other.requeueAfter.isEmpty()) {
      return this;
    }
    return requeueAfter.get().compareTo(other.requeueAfter.get()) <= 0 ? this : other;
  }
}
