package dev.mirrorgate.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * What a person needs to see when a Pod does not become Ready: its phase, conditions and container
 * states, its Events, and the tail of each container's log as the kubelet wrote it on the node.
 */
final class PodReport {
  private static final int HEAD_LINES = 10;
  private static final int LOG_LINES = 30;

  private PodReport() {}

  /**
   * @param pod the Pod as the API returns it
   * @param events the EventList of the Pod
   * @param podLogsDir the kubelet's {@code podLogsDir}
   */
  static String of(JsonNode pod, JsonNode events, Path podLogsDir) {
    String namespace = pod.at("/metadata/namespace").asText();
    String name = pod.at("/metadata/name").asText();
    StringBuilder report = new StringBuilder();
    report
        .append("Pod ")
        .append(namespace)
        .append('/')
        .append(name)
        .append(": phase ")
        .append(pod.at("/status/phase").asText("?"));
    if (pod.at("/spec/nodeName").isMissingNode()) {
      report.append(", not scheduled");
    }
    report.append('\n');
    for (JsonNode condition : pod.at("/status/conditions")) {
      report
          .append("  condition ")
          .append(condition.path("type").asText())
          .append('=')
          .append(condition.path("status").asText());
      text(report, " ", condition.path("reason"));
      text(report, ": ", condition.path("message"));
      report.append('\n');
    }
    for (String kind : List.of("initContainerStatuses", "containerStatuses")) {
      for (JsonNode status : pod.at("/status/" + kind)) {
        report
            .append("  container ")
            .append(status.path("name").asText())
            .append(" (")
            .append(status.path("image").asText())
            .append("): ready=")
            .append(status.path("ready").asText())
            .append(", restarts=")
            .append(status.path("restartCount").asText());
        state(report, "state", status.path("state"));
        state(report, "last state", status.path("lastState"));
        report.append('\n');
      }
    }
    report.append("Events:\n");
    List<JsonNode> sorted =
        StreamSupport.stream(events.path("items").spliterator(), false)
            .sorted(Comparator.comparing(PodReport::eventTime))
            .toList();
    if (sorted.isEmpty()) {
      report.append("  (none)\n");
    }
    for (JsonNode event : sorted) {
      report
          .append("  ")
          .append(event.path("type").asText())
          .append(' ')
          .append(event.path("reason").asText())
          .append(" (x")
          .append(event.path("count").asInt(1))
          .append("): ")
          .append(event.path("message").asText().strip())
          .append('\n');
    }
    report.append(logs(podLogsDir, namespace, name, pod.at("/metadata/uid").asText()));
    return report.toString();
  }

  private static String eventTime(JsonNode event) {
    for (String field : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
      if (event.path(field).isTextual()) {
        return event.path(field).asText();
      }
    }
    return "";
  }

  private static void state(StringBuilder report, String label, JsonNode state) {
    state
        .properties()
        .forEach(
            entry -> {
              report.append(", ").append(label).append(' ').append(entry.getKey());
              text(report, " ", entry.getValue().path("reason"));
              if (entry.getValue().has("exitCode")) {
                report.append(" exit ").append(entry.getValue().path("exitCode").asText());
              }
              text(report, ": ", entry.getValue().path("message"));
            });
  }

  private static void text(StringBuilder report, String prefix, JsonNode value) {
    if (value.isTextual() && !value.asText().isBlank()) {
      report.append(prefix).append(value.asText().strip());
    }
  }

  /** {@code <podLogsDir>/<ns>_<pod>_<uid>/<container>/<restart>.log}: the newest of each. */
  private static String logs(Path podLogsDir, String namespace, String name, String uid) {
    Path pod = podLogsDir.resolve(namespace + "_" + name + "_" + uid);
    StringBuilder out = new StringBuilder();
    if (!Files.isDirectory(pod)) {
      return "Logs: none on the node (no container started)\n";
    }
    try (DirectoryStream<Path> containers = Files.newDirectoryStream(pod)) {
      for (Path container : containers) {
        try (Stream<Path> files = Files.list(container)) {
          List<Path> logs =
              files
                  .filter(f -> f.getFileName().toString().matches("[0-9]+\\.log"))
                  .sorted(Comparator.comparingInt(PodReport::restart))
                  .toList();
          for (Path log : logs.subList(Math.max(0, logs.size() - 2), logs.size())) {
            out.append("Log of container ")
                .append(container.getFileName())
                .append(", run ")
                .append(restart(log))
                .append(" (first ")
                .append(HEAD_LINES)
                .append(" and last ")
                .append(LOG_LINES)
                .append(" lines):\n");
            for (String line : tail(log)) {
              out.append("  ").append(criMessage(line)).append('\n');
            }
          }
        }
      }
    } catch (IOException e) {
      out.append("Logs: cannot read ").append(pod).append(": ").append(e).append('\n');
    }
    return out.toString();
  }

  private static int restart(Path log) {
    String file = log.getFileName().toString();
    return Integer.parseInt(file.substring(0, file.length() - ".log".length()));
  }

  /** The first lines (where a start fails) and the last ones (where it ends). */
  private static List<String> tail(Path log) throws IOException {
    List<String> all = Files.readAllLines(log);
    if (all.size() <= HEAD_LINES + LOG_LINES) {
      return all;
    }
    List<String> lines = new ArrayList<>(all.subList(0, HEAD_LINES));
    lines.add("... (" + (all.size() - HEAD_LINES - LOG_LINES) + " lines) ...");
    lines.addAll(all.subList(all.size() - LOG_LINES, all.size()));
    return lines;
  }

  /** A CRI log line is {@code TIME STREAM TAG MESSAGE}; the message is what the program wrote. */
  private static String criMessage(String line) {
    String[] parts = line.split(" ", 4);
    return parts.length == 4 ? parts[3] : line;
  }
}
