package dev.mirrorgate.common.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventMessagesTest {
  @Test
  void shortErrorListsAreJoinedWhole() {
    assertThat(EventMessages.joinErrors(List.of("a: bad", "b: worse")))
        .isEqualTo("a: bad; b: worse");
  }

  @Test
  void longErrorListsKeepWhatFitsAndCountTheRest() {
    List<String> errors =
        IntStream.range(0, 40)
            .mapToObj(
                i -> "mapping.yaml: mirrors[" + i + "].target: \"Bad Host\" is not a registry")
            .toList();

    String message = EventMessages.joinErrors(errors);

    assertThat(message).hasSizeLessThanOrEqualTo(EventMessages.MAX_MESSAGE);
    assertThat(message).startsWith(errors.get(0) + "; " + errors.get(1));
    assertThat(message).matches(".*; and \\d+ more \\(see the log\\)$");
    int shown = message.split("; mapping|^mapping").length - 1;
    assertThat(message).endsWith("; and " + (40 - shown) + " more (see the log)");
  }

  @Test
  void oneHugeErrorAloneIsCutToTheLimit() {
    String message = EventMessages.joinErrors(List.of("y".repeat(5000)));

    assertThat(message).hasSize(EventMessages.MAX_MESSAGE).endsWith("y…");
  }

  @Test
  void oneHugeErrorIsCut() {
    String huge = String.join("", Collections.nCopies(3000, "x"));

    String message = EventMessages.joinErrors(List.of(huge, "second"));

    assertThat(message).hasSizeLessThanOrEqualTo(EventMessages.MAX_MESSAGE);
    assertThat(message).startsWith("xxxx").contains("…").endsWith("; and 1 more (see the log)");
  }

  @Test
  void eventNamesAreTheObjectsNameAndUniqueSuffixes() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      names.add(EventMessages.eventName("mirrorgate-mirrors", 1_795_000_000_000L));
    }
    assertThat(names).hasSizeGreaterThan(90); // a 16-bit random suffix
    assertThat(names).allMatch(n -> n.matches("mirrorgate-mirrors\\.[0-9a-f]{16}[0-9a-f]{4}"));
  }
}
