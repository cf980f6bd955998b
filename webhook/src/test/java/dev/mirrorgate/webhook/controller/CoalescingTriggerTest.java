package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CoalescingTriggerTest {
  /** A change at {@code atMillis}, while the feeding loops are {@code busy} or not. */
  record Change(long atMillis, boolean busy) {}

  static Change idle(long at) {
    return new Change(at, false);
  }

  static Change busy(long at) {
    return new Change(at, true);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("one change: at once", List.of(idle(0)), List.of("now@0")),
        Arguments.of(
            "changes while idle: each at once, however close",
            List.of(idle(0), idle(10), idle(20)),
            List.of("now@0", "now@10", "now@20")),
        Arguments.of("the first change of a burst: at once", List.of(busy(0)), List.of("now@0")),
        Arguments.of(
            "a burst: one queueing per 250 ms, the changes between them merged",
            List.of(busy(0), busy(10), busy(20), busy(100), busy(240), busy(260), busy(400)),
            List.of("now@0", "after@10+240", "after@260+240")),
        Arguments.of(
            "a burst ends: the change after it, with the loops idle, at once",
            List.of(busy(0), busy(10), idle(30)),
            List.of("now@0", "after@10+240", "now@30")),
        Arguments.of(
            "a busy change long after the last queueing: at once",
            List.of(busy(0), busy(1000)),
            List.of("now@0", "now@1000")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void queuesAtOnceWhileIdleAndSpacedWhileBusy(
      String name, List<Change> changes, List<String> expected) {
    long[] now = {0};
    boolean[] busy = {false};
    List<String> queued = new ArrayList<>();
    CoalescingTrigger trigger =
        new CoalescingTrigger(
            Duration.ofMillis(250),
            () -> busy[0],
            () -> now[0],
            () -> queued.add("now@" + now[0] / 1_000_000),
            delay -> queued.add("after@" + now[0] / 1_000_000 + "+" + delay.toMillis()));
    for (Change change : changes) {
      now[0] = change.atMillis() * 1_000_000;
      busy[0] = change.busy();
      trigger.run();
    }
    assertThat(queued).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyChangeIsFollowedByAQueueing(String name, List<Change> changes, List<String> unused) {
    long[] now = {0};
    boolean[] busy = {false};
    List<Long> queueings = new ArrayList<>();
    CoalescingTrigger trigger =
        new CoalescingTrigger(
            Duration.ofMillis(250),
            () -> busy[0],
            () -> now[0],
            () -> queueings.add(now[0]),
            delay -> queueings.add(now[0] + delay.toNanos()));
    for (Change change : changes) {
      now[0] = change.atMillis() * 1_000_000;
      busy[0] = change.busy();
      trigger.run();
      long at = now[0];
      assertThat(queueings)
          .as("a queueing at or after the change at %d ms", change.atMillis())
          .anyMatch(q -> q >= at);
    }
  }
}
