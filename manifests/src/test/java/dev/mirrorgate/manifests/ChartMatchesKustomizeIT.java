package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The Helm chart and the Kustomize manifests install the same objects: {@code helm template} with
 * the chart's defaults against {@code kustomize build} of the base and the node agent (and of the
 * cert-manager overlay with {@code tls.mode=cert-manager}), object by object, field by field.
 *
 * <p>One normalization, and only on the chart's side: the labels Helm's conventions add to every
 * object's metadata ({@link #HELM_LABELS}) are removed after checking that each object carries
 * exactly them. Selectors and Pod templates carry none, so they are compared as they are.
 */
class ChartMatchesKustomizeIT {
  static final Set<String> HELM_LABELS =
      Set.of(
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/version",
          "helm.sh/chart");

  /** Kustomize's hard-coded namespace, given to Helm as the release namespace. */
  private static final String NAMESPACE = "mirrorgate";

  record Case(String name, List<String> helmArgs, List<Path> kustomizations, String left) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Case> CASES =
      List.of(
          // `helm install --create-namespace` makes the release namespace, so the chart leaves out
          // the Namespace the base declares (NOTES.txt says how to label it the same way).
          new Case(
              "defaults",
              List.of(),
              List.of(Manifests.BASE, Manifests.CONTROLLER, Manifests.NODE_AGENT),
              "Namespace/" + NAMESPACE),
          new Case(
              "namespace.create=true",
              List.of("--set", "namespace.create=true"),
              List.of(Manifests.BASE, Manifests.CONTROLLER, Manifests.NODE_AGENT),
              null),
          new Case(
              "tls.mode=cert-manager",
              List.of("--set", "namespace.create=true", "--set", "tls.mode=cert-manager"),
              List.of(
                  Path.of("kustomize", "overlays", "cert-manager"),
                  Manifests.CONTROLLER,
                  Manifests.NODE_AGENT),
              null));

  @ParameterizedTest
  @FieldSource("CASES")
  void theChartRendersWhatKustomizeBuilds(Case c) {
    ChartTools tools = ChartTools.require();
    Map<String, JsonNode> chart = new TreeMap<>();
    List<String> labelProblems = new ArrayList<>();
    for (Manifest m : tools.template(NAMESPACE, c.helmArgs())) {
      JsonNode labels = m.object().path("metadata").path("labels");
      for (String label : HELM_LABELS) {
        if (!labels.has(label)) {
          labelProblems.add(m + " lacks " + label);
        }
        ((ObjectNode) labels).remove(label);
      }
      chart.put(key(m), m.object());
    }
    assertThat(labelProblems).as("Helm's labels on every chart object").isEmpty();

    Map<String, JsonNode> kustomize = new TreeMap<>();
    for (Path directory : c.kustomizations()) {
      for (Manifest m : tools.kustomize(directory)) {
        kustomize.put(key(m), m.object());
      }
    }
    if (c.left() != null) {
      assertThat(kustomize.remove(c.left())).as("Kustomize declares " + c.left()).isNotNull();
    }

    assertThat(chart.keySet()).as("objects").isEqualTo(kustomize.keySet());
    List<String> differences =
        kustomize.keySet().stream()
            .filter(Predicate.not(k -> kustomize.get(k).equals(chart.get(k))))
            .map(k -> k + ": " + String.join("; ", differences(kustomize.get(k), chart.get(k), "")))
            .toList();
    assertThat(differences).as("objects that differ").isEmpty();
  }

  /** Where two objects differ: "JSON Pointer: kustomize value ≠ helm value". */
  static List<String> differences(JsonNode kustomize, JsonNode helm, String at) {
    List<String> found = new ArrayList<>();
    if (kustomize.isObject() && helm.isObject()) {
      Set<String> names = new java.util.TreeSet<>();
      kustomize.fieldNames().forEachRemaining(names::add);
      helm.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        found.addAll(
            differences(
                kustomize.path(name),
                helm.path(name),
                at + "/" + name.replace("~", "~0").replace("/", "~1")));
      }
    } else if (kustomize.isArray() && helm.isArray() && kustomize.size() == helm.size()) {
      for (int i = 0; i < kustomize.size(); i++) {
        found.addAll(differences(kustomize.get(i), helm.get(i), at + "/" + i));
      }
    } else if (!kustomize.equals(helm)) {
      found.add(at + ": kustomize " + kustomize + " ≠ helm " + helm);
    }
    return found;
  }

  private static String key(Manifest m) {
    String namespace = m.object().path("metadata").path("namespace").asText("");
    return m.kind() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + m.name();
  }
}
