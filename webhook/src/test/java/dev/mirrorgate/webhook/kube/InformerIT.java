package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import io.kubernetes.client.informer.ResourceEventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The informer against a real API server: every event in the order the server wrote it, the cache
 * up to date when a handler hears of a change, a late handler told of every cached object, one
 * virtual thread per informer.
 */
class InformerIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KubeRest rest = new KubeRest(api.client(), JSON);
  private final KubeRest watches = new KubeRest(api.clientFor(api.token(), Duration.ZERO), JSON);

  private static ObjectNode configMap(String namespace, String name, int value) {
    ObjectNode cm = JSON.createObjectNode();
    cm.put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", name).put("namespace", namespace);
    cm.putObject("data").put("value", Integer.toString(value));
    return cm;
  }

  /** What a handler heard, as "verb name=value", and on which kind of thread. */
  private static final class Recorder implements ResourceEventHandler<KubeObject> {
    final List<String> heard = new CopyOnWriteArrayList<>();
    final List<Long> versions = new CopyOnWriteArrayList<>();
    final List<Boolean> virtual = new CopyOnWriteArrayList<>();
    final List<Boolean> cached = new CopyOnWriteArrayList<>();
    volatile Informer informer;

    private void record(String verb, KubeObject object, boolean deleted) {
      heard.add(verb + " " + object.name() + "=" + object.node().at("/data/value").asText());
      versions.add(Long.parseLong(object.resourceVersion()));
      virtual.add(Thread.currentThread().isVirtual());
      if (informer != null) {
        cached.add(informer.get(object.namespace(), object.name()).isPresent() != deleted);
      }
    }

    @Override
    public void onAdd(KubeObject object) {
      record("add", object, false);
    }

    @Override
    public void onUpdate(KubeObject before, KubeObject after) {
      record("update", after, false);
    }

    @Override
    public void onDelete(KubeObject object, boolean finalStateUnknown) {
      record("delete", object, true);
    }
  }

  @Test
  void everyEventArrivesInTheServersOrderWithTheCacheAlreadyUpToDate() throws Exception {
    String ns = api.createNamespace("informer-order");
    Recorder recorder = new Recorder();
    try (Informer informer = new Informer(watches, ApiResource.CONFIG_MAPS, ListQuery.in(ns))) {
      recorder.informer = informer;
      informer.handler(recorder);
      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "listed", 0));
      informer.start();
      await().atMost(WAIT).until(informer::hasSynced);

      List<String> expected = new ArrayList<>(List.of("add listed=0"));
      for (int i = 1; i <= 30; i++) {
        String name = "cm-" + (i % 3);
        boolean exists = i > 3;
        rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, name, i));
        expected.add((exists ? "update " : "add ") + name + "=" + i);
      }
      rest.delete(ApiResource.CONFIG_MAPS, ns, "listed", null);
      expected.add("delete listed=0");

      await().atMost(WAIT).until(() -> recorder.heard.size() >= expected.size());
      assertThat(recorder.heard).containsExactlyElementsOf(expected);
      assertThat(recorder.versions).isSorted().doesNotHaveDuplicates();
      assertThat(recorder.cached).hasSize(expected.size()).containsOnly(true);
      assertThat(recorder.virtual).containsOnly(true);
      assertThat(informer.list())
          .extracting(o -> o.name() + "=" + o.node().at("/data/value").asText())
          .containsExactlyInAnyOrder("cm-0=30", "cm-1=28", "cm-2=29");
    }
  }

  @Test
  void aHandlerAddedAfterTheStartHearsEveryCachedObjectFirst() throws Exception {
    String ns = api.createNamespace("informer-late");
    try (Informer informer = new Informer(watches, ApiResource.CONFIG_MAPS, ListQuery.in(ns))) {
      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", 1));
      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "b", 2));
      informer.start();
      await().atMost(WAIT).until(informer::hasSynced);

      Recorder late = new Recorder();
      informer.handler(late);
      assertThat(late.heard).containsExactlyInAnyOrder("add a=1", "add b=2");

      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", 3));
      await().atMost(WAIT).until(() -> late.heard.size() == 3);
      assertThat(late.heard.get(2)).isEqualTo("update a=3");
    }
  }

  @Test
  void aFailingHandlerDoesNotStopTheOthers() throws Exception {
    String ns = api.createNamespace("informer-failing");
    Recorder recorder = new Recorder();
    try (Informer informer =
        new Informer(watches, ApiResource.CONFIG_MAPS, ListQuery.in(ns))
            .onChange(
                object -> {
                  throw new IllegalStateException("handler bug");
                })
            .handler(recorder)) {
      informer.start();
      await().atMost(WAIT).until(informer::hasSynced);
      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", 1));
      rest.apply(ApiResource.CONFIG_MAPS, configMap(ns, "a", 2));
      await().atMost(WAIT).until(() -> recorder.heard.contains("update a=2"));
      assertThat(informer.failure()).isEmpty();
    }
  }
}
