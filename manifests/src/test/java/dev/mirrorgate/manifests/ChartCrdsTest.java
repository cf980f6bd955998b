package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The chart's crds/ is a copy of the Kustomize CRDs (Helm cannot include files from outside the
 * chart): the same files, byte for byte. crds/README.md says how to refresh the copy.
 */
class ChartCrdsTest {
  static final Path KUSTOMIZE_CRDS = Path.of("kustomize", "crds");
  static final Path CHART_CRDS = ChartTools.CHART.resolve("crds");

  @Test
  void theChartCarriesExactlyTheKustomizeCrds() throws IOException {
    assertThat(CHART_CRDS).isDirectory();
    Map<String, String> kustomize = yamlFiles(KUSTOMIZE_CRDS);
    Map<String, String> chart = yamlFiles(CHART_CRDS);
    assertThat(chart)
        .as(
            "%s differs from %s: copy them (see %s)",
            CHART_CRDS, KUSTOMIZE_CRDS, CHART_CRDS.resolve("README.md"))
        .isEqualTo(kustomize);
  }

  /** File name → content of every YAML file but kustomization.yaml; none when there is no dir. */
  private static Map<String, String> yamlFiles(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (var list = Files.list(dir)) {
      for (Path f : list.toList()) {
        String name = f.getFileName().toString();
        if ((name.endsWith(".yaml") || name.endsWith(".yml"))
            && !name.equals("kustomization.yaml")) {
          files.put(name, Files.readString(f));
        }
      }
    }
    return files;
  }
}
