package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The controller's client layer against a real API server: apply, list, watch, gate. */
class KubeRestIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private KubeRest rest() {
    return new KubeRest(api.client(), JSON);
  }

  private KubeRest watches() {
    return new KubeRest(api.clientFor(api.token(), Duration.ZERO), JSON);
  }

  private static ObjectNode configMap(String namespace, String name, String value) {
    ObjectNode cm = JSON.createObjectNode();
    cm.put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata")
        .put("name", name)
        .put("namespace", namespace)
        .putObject("labels")
        .put("app.kubernetes.io/managed-by", "mirrorgate");
    cm.putObject("data").put("key", value);
    return cm;
  }

  @Test
  void applyCreatesThenUpdatesAndAnIdenticalApplyChangesNothing() throws Exception {
    String ns = api.createNamespace("apply");
    KubeObject created = rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", "1"));
    KubeObject same = rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", "1"));
    KubeObject changed = rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", "2"));

    assertThat(same.resourceVersion()).isEqualTo(created.resourceVersion());
    assertThat(changed.resourceVersion()).isNotEqualTo(created.resourceVersion());
    assertThat(rest().get(ApiResource.CONFIG_MAPS, ns, "a").orElseThrow().node().at("/data/key"))
        .hasToString("\"2\"");
    assertThat(changed.node().at("/metadata/managedFields/0/manager").asText())
        .isEqualTo(KubeRest.FIELD_MANAGER);
    assertThat(rest().get(ApiResource.CONFIG_MAPS, ns, "missing")).isEmpty();
  }

  @Test
  void deleteHonoursTheUidPrecondition() throws Exception {
    String ns = api.createNamespace("delete");
    KubeObject first = rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "b", "1"));
    rest().delete(ApiResource.CONFIG_MAPS, ns, "b", first.uid());
    KubeObject second = rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "b", "1"));

    assertThat(rest().delete(ApiResource.CONFIG_MAPS, ns, "b", first.uid())).isFalse();
    assertThat(rest().get(ApiResource.CONFIG_MAPS, ns, "b")).isPresent();
    assertThat(rest().delete(ApiResource.CONFIG_MAPS, ns, "b", second.uid())).isTrue();
    assertThat(rest().delete(ApiResource.CONFIG_MAPS, ns, "b", null)).isFalse();
  }

  @Test
  void listSelectsByLabelAndErrorsCarryTheStatus() throws Exception {
    String ns = api.createNamespace("list");
    rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "c", "1"));
    KubeObjectList list =
        rest()
            .list(
                ApiResource.CONFIG_MAPS,
                ListQuery.in(ns).withLabels("app.kubernetes.io/managed-by=mirrorgate"),
                null);
    assertThat(list.getItems()).extracting(KubeObject::name).containsExactly("c");
    assertThat(list.getItems())
        .as(
            "a built-in kind's list items carry no apiVersion or kind: filled in, as a watch has them")
        .extracting(KubeObject::getApiVersion, KubeObject::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", "ConfigMap"));
    assertThat(list.getMetadata().getResourceVersion()).isNotBlank();

    ObjectNode invalid = configMap(ns, "Not_A_Name", "1");
    assertThatThrownBy(() -> rest().apply(ApiResource.CONFIG_MAPS, invalid))
        .isInstanceOfSatisfying(KubeException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageContaining("Not_A_Name");
  }

  @Test
  void aProjectedListIsReadItemByItemAndKeepsOnlyTheProjection() throws Exception {
    String ns = api.createNamespace("stream");
    for (int i = 0; i < 120; i++) {
      ObjectNode cm = configMap(ns, "cm-%03d".formatted(i), "v" + i);
      cm.with("data").put("bulk", "x".repeat(2_000));
      rest().create(ApiResource.CONFIG_MAPS, cm);
    }
    List<String> projected = new CopyOnWriteArrayList<>();
    KubeObjectList list =
        rest()
            .list(
                ApiResource.CONFIG_MAPS,
                ListQuery.in(ns),
                null,
                item -> {
                  projected.add(item.at("/metadata/name").asText());
                  item.with("data").remove("bulk");
                  item.with("metadata").remove("managedFields");
                  return item;
                });

    assertThat(projected).hasSize(120).doesNotHaveDuplicates();
    assertThat(list.getItems()).hasSize(120);
    assertThat(list.getItems().get(7).name()).isEqualTo("cm-007");
    assertThat(list.getItems().get(7).node().at("/data/key").asText()).isEqualTo("v7");
    assertThat(list.getItems()).allSatisfy(cm -> assertThat(cm.node().at("/data/bulk")).isEmpty());
    assertThat(list.getKind()).isEqualTo("ConfigMapList");
    assertThat(list.getApiVersion()).isEqualTo("v1");
    assertThat(list.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(
            rest()
                .list(ApiResource.CONFIG_MAPS, ListQuery.in("no-such-namespace"), null)
                .getItems())
        .isEmpty();
  }

  @Test
  void aClosedGateSendsNoWrite() throws Exception {
    String ns = api.createNamespace("gate");
    AtomicBoolean leader = new AtomicBoolean(false);
    KubeRest gated = rest().gated(leader::get);

    assertThatThrownBy(() -> gated.apply(ApiResource.CONFIG_MAPS, configMap(ns, "d", "1")))
        .isInstanceOf(NotLeaderException.class);
    assertThat(rest().get(ApiResource.CONFIG_MAPS, ns, "d")).isEmpty();
    leader.set(true);
    gated.apply(ApiResource.CONFIG_MAPS, configMap(ns, "d", "1"));
    assertThat(gated.get(ApiResource.CONFIG_MAPS, ns, "d")).isPresent();
  }

  @Test
  void theInformerSeesChangesProjectedAndSurvivesAnApiServerRestart() throws Exception {
    String ns = api.createNamespace("informer");
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Informer informer =
        new Informer(
            watches(),
            ApiResource.CONFIG_MAPS,
            ListQuery.in(ns).withLabels("app.kubernetes.io/managed-by=mirrorgate"),
            node -> {
              node.with("metadata").remove("managedFields");
              return node;
            })) {
      informer.onChange(o -> seen.add(o.name() + "=" + o.node().at("/data/key").asText()));
      rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "before", "1"));
      informer.start();
      await().atMost(WAIT).until(informer::hasSynced);
      assertThat(informer.get(ns, "before")).isPresent();
      assertThat(informer.get(ns, "before").orElseThrow().node().at("/metadata/managedFields"))
          .isEmpty();

      rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "after", "2"));
      await().atMost(WAIT).until(() -> seen.contains("after=2"));

      api.restartApiServer();
      rest().apply(ApiResource.CONFIG_MAPS, configMap(ns, "after", "3"));
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("after=3"));

      rest().delete(ApiResource.CONFIG_MAPS, ns, "before", null);
      await().atMost(WAIT).until(() -> informer.get(ns, "before").isEmpty());
      assertThat(informer.list()).extracting(KubeObject::name).containsExactly("after");
    }
  }
}
