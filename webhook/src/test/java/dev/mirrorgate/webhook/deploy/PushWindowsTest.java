package dev.mirrorgate.webhook.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.intake.PushEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coalescing windows' bounds: a repository pushed without pause is still decided, and a window
 * does not grow with repeated events (a registry replaying one notification, a benchmark posting
 * one image): before, each event postponed the window by the debounce and kept its image, so the
 * intake ran the controller out of heap after ~190,000 events of one repository.
 */
class PushWindowsTest {
  private static final Duration DEBOUNCE = Duration.ofMillis(50);

  private record Decided(String repository, Window window, long decidedNanos, long startedNanos) {}

  private final List<Decided> decided = new CopyOnWriteArrayList<>();
  private final PushWindows windows =
      new PushWindows(
          DEBOUNCE,
          (repository, window, trigger, startedNanos, workers) ->
              decided.add(new Decided(repository, window, System.nanoTime(), startedNanos)),
          2);

  @AfterEach
  void close() {
    windows.close();
  }

  private static PushEvent push(String image) throws Exception {
    return new PushEvent(
        ImageReference.parse(image), "id-" + System.nanoTime(), PushEvent.Source.REGISTRY);
  }

  @Test
  void aRepositoryPushedWithoutPauseIsDecidedWithinTheMaximumAge() throws Exception {
    long maxAge = PushWindows.MAX_AGE_DEBOUNCES * DEBOUNCE.toNanos();
    long until = System.nanoTime() + 3 * maxAge;
    while (System.nanoTime() < until) {
      // every event well inside the debounce of the one before: the window never goes quiet
      windows.accept(List.of(push("registry.example/app:1.0.0")));
      Thread.sleep(5); // the pace of the pushes (a tenth of the debounce), not a synchronization
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> decided.size() >= 2);
    Decided first = decided.get(0);
    assertThat(first.repository()).isEqualTo("registry.example/app");
    assertThat(first.decidedNanos() - first.startedNanos())
        .as("closed by its age, not by a pause")
        .isLessThan(maxAge + Duration.ofSeconds(2).toNanos());
  }

  @Test
  void aReferencePushedAgainInOneWindowCountsOnce() throws Exception {
    for (int i = 0; i < 10_000; i++) {
      windows.accept(List.of(push("registry.example/app:1.0.0")));
    }
    windows.accept(List.of(push("registry.example/app:1.0.1")));

    await().atMost(Duration.ofSeconds(10)).until(() -> !decided.isEmpty());
    List<ImageReference> images =
        decided.stream().flatMap(d -> d.window().images().stream()).distinct().toList();
    assertThat(decided.stream().mapToInt(d -> d.window().images().size()).sum())
        .as("10,001 events of two references")
        .isEqualTo(images.size());
    assertThat(images).extracting(ImageReference::tag).containsExactlyInAnyOrder("1.0.0", "1.0.1");
  }

  @Test
  void aWindowOfTheMostDifferentReferencesClosesAtOnce() throws Exception {
    PushWindows slow =
        new PushWindows(
            Duration.ofHours(1),
            (repository, window, trigger, startedNanos, workers) ->
                decided.add(new Decided(repository, window, System.nanoTime(), startedNanos)),
            1);
    try {
      for (int i = 0; i < PushWindows.MAX_IMAGES; i++) {
        slow.accept(List.of(push("registry.example/app:1.0." + i)));
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> !decided.isEmpty());
      assertThat(decided.get(0).window().images()).hasSize(PushWindows.MAX_IMAGES);
    } finally {
      slow.close();
    }
  }

  @Test
  void belowTheBoundsAQuietWindowClosesAfterTheDebounceWithEveryReference() throws Exception {
    windows.accept(List.of(push("registry.example/app:1.2.3"), push("registry.example/app:1.2")));
    windows.accept(List.of(push("other.example/tool:2.0.0")));

    await().atMost(Duration.ofSeconds(10)).until(() -> decided.size() == 2);
    assertThat(decided)
        .extracting(Decided::repository)
        .containsExactlyInAnyOrder("registry.example/app", "other.example/tool");
    assertThat(
            decided.stream()
                .filter(d -> d.repository().equals("registry.example/app"))
                .findFirst()
                .orElseThrow()
                .window()
                .images())
        .extracting(ImageReference::tag)
        .containsExactly("1.2.3", "1.2");
  }
}
