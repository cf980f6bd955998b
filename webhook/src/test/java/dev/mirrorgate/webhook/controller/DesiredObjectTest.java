package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DesiredObjectTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode rendered() {
    try {
      return (ObjectNode)
          JSON.readTree(
              """
              {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "registry-mirror-docker", "namespace": "mirrorgate",
                 "labels": {"app.kubernetes.io/managed-by": "mirrorgate"},
                 "ownerReferences": [{"apiVersion": "mirrorgate.dev/v1alpha1",
                   "kind": "RegistryMirror", "name": "docker", "uid": "u-1", "controller": true}]},
               "spec": {"type": "ClusterIP", "ports": [{"name": "https", "port": 443}]}}
              """);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the API server holds once the desired object was applied, changed by {@code edit}. */
  private static JsonNode observed(DesiredObject desired, Consumer<ObjectNode> edit) {
    ObjectNode observed = desired.node().deepCopy();
    ((ObjectNode) observed.get("metadata")).put("resourceVersion", "42");
    ((ObjectNode) observed.get("spec")).put("clusterIP", "10.96.0.7"); // a server default
    edit.accept(observed);
    return observed;
  }

  static Stream<Arguments> cases() {
    return Stream.<Arguments>of(
        Arguments.of("as applied", edit(o -> {}), true),
        Arguments.of(
            "another owner reference kind",
            edit(o -> ((ObjectNode) o.at("/metadata/ownerReferences/0")).put("kind", "Registry")),
            false),
        Arguments.of(
            "a field edited by hand",
            edit(o -> ((ObjectNode) o.at("/spec/ports/0")).put("port", 8443)),
            false),
        Arguments.of(
            "the hash annotation of another desired form",
            edit(
                o ->
                    ((ObjectNode) o.at("/metadata/annotations"))
                        .put(DesiredObject.HASH_ANNOTATION, "000000000000000000000000")),
            false),
        Arguments.of(
            "a desired field missing",
            edit(o -> ((ObjectNode) o.get("spec")).remove("type")),
            false));
  }

  private static Consumer<ObjectNode> edit(Consumer<ObjectNode> edit) {
    return edit;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void satisfiedBy(String what, Consumer<ObjectNode> edit, boolean satisfied) {
    DesiredObject desired = DesiredObject.of(rendered());
    assertThat(desired.satisfiedBy(observed(desired, edit))).as(what).isEqualTo(satisfied);
  }
}
