package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One name and one version for the images everywhere: the Maven build tags them {@code
 * <mirrorgate.image.registry>/<name>:<project version without -SNAPSHOT>} (parent pom), the
 * Kustomize manifests and the chart (version, appVersion, image.registry) name the same.
 */
class ImageNamesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The project version, without -SNAPSHOT (the pom passes both properties to the tests). */
  static String version() {
    return System.getProperty("mirrorgate.version").replaceFirst("-SNAPSHOT$", "");
  }

  static String registry() {
    return System.getProperty("mirrorgate.image.registry");
  }

  /** The image the Maven build makes for {@code name}. */
  static String image(String name) {
    return registry() + "/" + name + ":" + version();
  }

  @Test
  void theKustomizeManifestsNameTheImagesTheBuildMakes() throws IOException {
    JsonNode deployment = Manifests.only(Manifests.objects(Manifests.BASE), "Deployment").object();
    JsonNode daemonSet =
        Manifests.only(Manifests.objects(Manifests.NODE_AGENT), "DaemonSet").object();
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo(image("mirrorgate-webhook"));
    assertThat(daemonSet.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo(image("mirrorgate-node-agent"));
    JsonNode controller =
        Manifests.only(Manifests.objects(Manifests.CONTROLLER), "Deployment").object();
    assertThat(controller.at("/spec/template/spec/containers/0/image").asText())
        .as("the controller runs the webhook's image")
        .isEqualTo(image("mirrorgate-webhook"));
  }

  @Test
  void theChartHasTheProjectsVersionAndRegistry() throws IOException {
    JsonNode chart = YAML.readTree(ChartTools.CHART.resolve("Chart.yaml").toFile());
    assertThat(List.of(chart.path("version").asText(), chart.path("appVersion").asText()))
        .containsOnly(version());
    JsonNode values = YAML.readTree(ChartTools.CHART.resolve("values.yaml").toFile());
    assertThat(values.at("/image/registry").asText()).isEqualTo(registry());
    assertThat(values.at("/image/tag").asText()).as("empty: the appVersion").isEmpty();
  }

  /** The chart's defaults are the Kustomize manifests' flags: docs/benchmarks.md measured those. */
  @Test
  void theChartShipsTheMeasuredJvmFlags() throws IOException {
    JsonNode values = YAML.readTree(ChartTools.CHART.resolve("values.yaml").toFile());
    JsonNode webhook =
        Manifests.only(Manifests.objects(Manifests.BASE), "Deployment")
            .object()
            .at("/spec/template/spec/containers/0");
    JsonNode agent =
        Manifests.only(Manifests.objects(Manifests.NODE_AGENT), "DaemonSet")
            .object()
            .at("/spec/template/spec/containers/0");
    assertThat(values.at("/webhook/jvmFlags").asText())
        .isEqualTo(Manifests.env(webhook, "JAVA_TOOL_OPTIONS"));
    assertThat(values.at("/nodeAgent/jvmFlags").asText())
        .isEqualTo(Manifests.env(agent, "JAVA_TOOL_OPTIONS"));
    JsonNode controller =
        Manifests.only(Manifests.objects(Manifests.CONTROLLER), "Deployment")
            .object()
            .at("/spec/template/spec/containers/0");
    assertThat(values.at("/controller/jvmFlags").asText())
        .isEqualTo(Manifests.env(controller, "JAVA_TOOL_OPTIONS"));
  }

  /**
   * The controller's memory flags (docs/benchmarks.md, "Controller: memory"): C1 only and a small
   * young generation are the controller's alone; the webhook keeps C2 for its request path.
   */
  @Test
  void theControllerTradesPeakSpeedForResidentMemory() throws IOException {
    String controller =
        Manifests.env(
            Manifests.only(Manifests.objects(Manifests.CONTROLLER), "Deployment")
                .object()
                .at("/spec/template/spec/containers/0"),
            "JAVA_TOOL_OPTIONS");
    String webhook =
        Manifests.env(
            Manifests.only(Manifests.objects(Manifests.BASE), "Deployment")
                .object()
                .at("/spec/template/spec/containers/0"),
            "JAVA_TOOL_OPTIONS");
    assertThat(controller.split(" "))
        .contains(
            "-XX:+UseSerialGC",
            "-Xmn8m",
            "-Xmx96m",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-XX:CompileThresholdScaling=3",
            "-XX:ReservedCodeCacheSize=16m");
    assertThat(webhook).doesNotContain("TieredStopAtLevel", "CompileThresholdScaling");
  }
}
