package dev.mirrorgate.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostsFileTest {

  private static final List<HostsEntry> ONE = List.of(new HostsEntry("10.0.0.1", "m.test"));
  private static final String BLOCK = "# BEGIN mirrorgate\n10.0.0.1 m.test\n# END mirrorgate\n";

  static Stream<Arguments> merges() {
    return Stream.of(
        Arguments.of("empty file", "", ONE, BLOCK),
        Arguments.of(
            "appended after unmanaged lines",
            "127.0.0.1 localhost\n::1 localhost\n",
            ONE,
            "127.0.0.1 localhost\n::1 localhost\n" + BLOCK),
        Arguments.of(
            "newline added when the file lacks one",
            "127.0.0.1 localhost",
            ONE,
            "127.0.0.1 localhost\n" + BLOCK),
        Arguments.of(
            "block replaced in place, odd lines kept byte for byte",
            "# c\r\n"
                + "1.2.3.4\tfoo   bar # x\r\n"
                + "# BEGIN mirrorgate\n"
                + "9.9.9.9 old\n"
                + "# END mirrorgate\n\n"
                + "  weird",
            ONE,
            "# c\r\n1.2.3.4\tfoo   bar # x\r\n" + BLOCK + "\n  weird"),
        Arguments.of(
            "no entries removes the block",
            "a\n# BEGIN mirrorgate\n9.9.9.9 old\n# END mirrorgate\nb\n",
            List.of(),
            "a\nb\n"),
        Arguments.of(
            "duplicate blocks collapse into the first",
            "# BEGIN mirrorgate\n"
                + "x\n"
                + "# END mirrorgate\n"
                + "keep\n"
                + "# BEGIN mirrorgate\n"
                + "y\n"
                + "# END mirrorgate\n",
            ONE,
            BLOCK + "keep\n"),
        Arguments.of(
            "an unterminated BEGIN only loses its own line",
            "a\n# BEGIN mirrorgate\nb\nc\n",
            ONE,
            "a\n" + BLOCK + "b\nc\n"),
        Arguments.of(
            "a mirrorgate-looking line outside a block is not ours",
            "10.0.0.1 m.test\n",
            ONE,
            "10.0.0.1 m.test\n" + BLOCK),
        Arguments.of(
            "bytes that are not UTF-8 survive",
            "1.1.1.1 caf\u00e9\n",
            ONE,
            "1.1.1.1 caf\u00e9\n" + BLOCK));
  }

  static Stream<Arguments> longLines() {
    String longLine = "0.0.0.0 " + "x".repeat(HostsFile.MAX_MARKER_LINE) + "\n";
    String padded = " ".repeat(HostsFile.MAX_MARKER_LINE) + "# END mirrorgate\n";
    return Stream.of(
        Arguments.of(
            "lines longer than a marker line pass through whole",
            longLine + "# BEGIN mirrorgate\nold\n# END mirrorgate\n" + longLine,
            ONE,
            longLine + BLOCK + longLine),
        Arguments.of(
            "a marker padded beyond the longest marker line is not a marker",
            "# BEGIN mirrorgate\nold\n" + padded + "# END mirrorgate\n",
            ONE,
            BLOCK),
        Arguments.of(
            "CRLF markers are markers",
            "a\r\n# BEGIN mirrorgate\r\nold\r\n# END mirrorgate\r\nb\r\n",
            List.of(),
            "a\r\nb\r\n"),
        Arguments.of(
            "a file of several chunks",
            "127.0.0.1 localhost\n".repeat(10_000) + "# BEGIN mirrorgate\n# END mirrorgate\n",
            ONE,
            "127.0.0.1 localhost\n".repeat(10_000) + BLOCK));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longLines")
  void streamsLinesOfAnyLength(
      String name, String existing, List<HostsEntry> entries, String expected) {
    merge(name, existing, entries, expected);
  }

  @org.junit.jupiter.api.Test
  void scanSaysWhereTheFileEndsAndStopsBeyondTheLimit() throws Exception {
    byte[] file = "a\n# BEGIN mirrorgate\nx\n# END mirrorgate \t\n\n".getBytes();
    HostsFile.Layout layout = HostsFile.scan(new java.io.ByteArrayInputStream(file), file.length);

    assertThat(layout.size()).isEqualTo(file.length);
    assertThat(layout.hasBlock()).isTrue();
    assertThat(layout.endsWithEndMarker()).isTrue();
    assertThat(layout.lastByte()).isEqualTo('\n');
    // the limit is on the file's own lines ("a\n", "\n"): the agent's block does not count
    assertThat(HostsFile.scan(new java.io.ByteArrayInputStream(file), 3).size())
        .isEqualTo(file.length);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HostsFile.scan(new java.io.ByteArrayInputStream(file), 2))
        .isInstanceOf(HostsFile.TooLargeException.class)
        .hasMessage("larger than 2 bytes (not counting the agent's block)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void merge(String name, String existing, List<HostsEntry> entries, String expected) {
    byte[] in = existing.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = HostsFile.merge(in, entries);
    assertThat(new String(out, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    assertThat(HostsFile.merge(out, entries)).as("idempotent").isEqualTo(out);
  }
}
