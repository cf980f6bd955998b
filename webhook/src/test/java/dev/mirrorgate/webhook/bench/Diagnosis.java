package dev.mirrorgate.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a running JVM holds, for the benchmarks' {@code -Dbench.diagnose=true}: NMT (when the
 * process runs with {@code -XX:NativeMemoryTracking=summary}), heap, metaspace, class histogram,
 * threads, and the kernel's view (smaps_rollup, and Rss per mapping: what NMT does not see).
 */
final class Diagnosis {
  private Diagnosis() {}

  /** Writes the diagnosis of {@code pid} to {@code file}. */
  static void write(long pid, Path file) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    StringBuilder out = new StringBuilder();
    for (List<String> command :
        List.of(
            List.of("VM.native_memory", "summary"),
            List.of("GC.heap_info"),
            List.of("VM.metaspace"),
            List.of("GC.class_histogram"),
            List.of("Thread.print"))) {
      List<String> full = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
      full.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
      builder.environment().put("JAVA_TOOL_OPTIONS", "");
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      out.append("### ").append(String.join(" ", command)).append('\n').append(output).append('\n');
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    out.append("### smaps_rollup\n").append(Files.readString(proc.resolve("smaps_rollup")));
    out.append("\n### smaps by mapping (Rss kB, largest first)\n")
        .append(smapsByMapping(proc.resolve("smaps")));
    Files.writeString(file, out);
  }

  /**
   * Rss summed per mapped file (anonymous mappings as [anon]): shared libraries, the CDS archive,
   * glibc's main arena ([heap]); the JVM's own mappings and other malloc arenas are in [anon].
   */
  static String smapsByMapping(Path smaps) throws IOException {
    Map<String, Long> rss = new LinkedHashMap<>();
    String mapping = "[anon]";
    for (String line : Files.readAllLines(smaps)) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 5 && fields[0].matches("[0-9a-f]+-[0-9a-f]+")) {
        mapping = fields.length >= 6 ? fields[5] : "[anon]";
      } else if (fields[0].equals("Rss:")) {
        rss.merge(mapping, Long.parseLong(fields[1]), Long::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    rss.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(20)
        .forEach(e -> out.append(String.format("%8d  %s%n", e.getValue(), e.getKey())));
    return out.toString();
  }
}
