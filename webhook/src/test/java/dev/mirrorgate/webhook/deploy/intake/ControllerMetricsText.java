package dev.mirrorgate.webhook.deploy.intake;

import java.util.Map;

/** Reads one sample of a Prometheus text exposition. */
final class ControllerMetricsText {
  private ControllerMetricsText() {}

  /** The value of {@code name} with (at least) {@code labels}, 0 when no such sample. */
  static double value(String scrape, String name, Map<String, String> labels) {
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all =
          labels.entrySet().stream()
              .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""));
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
