package dev.mirrorgate.common.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
  @Test
  void shortErrorListsAreJoinedWhole() {
    assertThat(EventRecorder.joinErrors(List.of("a: bad", "b: worse")))
        .isEqualTo("a: bad; b: worse");
  }

  @Test
  void longErrorListsKeepWhatFitsAndCountTheRest() {
    List<String> errors =
        IntStream.range(0, 40)
            .mapToObj(
                i -> "mapping.yaml: mirrors[" + i + "].target: \"Bad Host\" is not a registry")
            .toList();

    String message = EventRecorder.joinErrors(errors);

    assertThat(message).hasSizeLessThanOrEqualTo(EventRecorder.MAX_MESSAGE);
    assertThat(message).startsWith(errors.get(0) + "; " + errors.get(1));
    assertThat(message).matches(".*; and \\d+ more \\(see the log\\)$");
    int shown = message.split("; mapping|^mapping").length - 1;
    assertThat(message).endsWith("; and " + (40 - shown) + " more (see the log)");
  }

  @Test
  void oneHugeErrorAloneIsCutToTheLimit() {
    String message = EventRecorder.joinErrors(List.of("y".repeat(5000)));

    assertThat(message).hasSize(EventRecorder.MAX_MESSAGE).endsWith("y…");
  }

  @Test
  void oneHugeErrorIsCut() {
    String huge = String.join("", Collections.nCopies(3000, "x"));

    String message = EventRecorder.joinErrors(List.of(huge, "second"));

    assertThat(message).hasSizeLessThanOrEqualTo(EventRecorder.MAX_MESSAGE);
    assertThat(message).startsWith("xxxx").contains("…").endsWith("; and 1 more (see the log)");
  }
}
