package dev.mirrorgate.agent.plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges the managed block into /etc/hosts. Only the lines between {@code # BEGIN mirrorgate} and
 * {@code # END mirrorgate} belong to the agent; every other byte of the file is kept as it is,
 * whatever its order, format or line endings.
 */
public final class HostsFile {

  public static final String BEGIN = "# BEGIN mirrorgate";
  public static final String END = "# END mirrorgate";

  private HostsFile() {}

  /** The block for {@code entries}, or an empty string when there are none. */
  public static String renderBlock(List<HostsEntry> entries) {
    if (entries.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(BEGIN).append('\n');
    for (HostsEntry e : entries) {
      b.append(e.line()).append('\n');
    }
    return b.append(END).append('\n').toString();
  }

  /**
   * {@code existing} with its managed block (if any) replaced by the block for {@code entries}. A
   * new block goes at the end; when the file does not end with a newline, one is added before it.
   */
  public static byte[] merge(byte[] existing, List<HostsEntry> entries) {
    String block = renderBlock(entries);
    List<String> lines = lines(new String(existing, StandardCharsets.ISO_8859_1));
    StringBuilder out = new StringBuilder();
    boolean placed = false;
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (isBegin(line)) {
        int end = findEnd(lines, i);
        if (!placed) {
          out.append(block);
          placed = true;
        }
        i = end < 0 ? i + 1 : end + 1;
        continue;
      }
      if (isEnd(line)) {
        i++; // a stray END marker is ours too
        continue;
      }
      out.append(line);
      i++;
    }
    if (!placed && !block.isEmpty()) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(block);
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code existing} without any managed block. */
  public static byte[] strip(byte[] existing) {
    return merge(existing, List.of());
  }

  /** Whether {@code existing} holds a managed block. */
  public static boolean hasBlock(byte[] existing) {
    return lines(new String(existing, StandardCharsets.ISO_8859_1)).stream()
        .anyMatch(HostsFile::isBegin);
  }

  private static int findEnd(List<String> lines, int begin) {
    for (int j = begin + 1; j < lines.size(); j++) {
      if (isEnd(lines.get(j))) {
        return j;
      }
      if (isBegin(lines.get(j))) {
        return -1;
      }
    }
    return -1;
  }

  private static boolean isBegin(String line) {
    return line.strip().equals(BEGIN);
  }

  private static boolean isEnd(String line) {
    return line.strip().equals(END);
  }

  /** Lines with their terminators, so that joining them gives back the input exactly. */
  private static List<String> lines(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        out.add(s.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }
}
