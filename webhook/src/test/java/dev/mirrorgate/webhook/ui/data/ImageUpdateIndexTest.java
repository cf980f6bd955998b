package dev.mirrorgate.webhook.ui.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class ImageUpdateIndexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An ImageUpdate as the API server gives it. */
  public static KubeObject update(
      String namespace,
      String name,
      String workload,
      String container,
      String phase,
      String created,
      String deadline,
      String... voters) {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", "mirrorgate.dev/v1alpha1").put("kind", "ImageUpdate");
    node.putObject("metadata")
        .put("namespace", namespace)
        .put("name", name)
        .put("creationTimestamp", created)
        .put("resourceVersion", "1");
    ObjectNode spec = node.putObject("spec");
    spec.putObject("workload").put("kind", "Deployment").put("name", workload);
    spec.put("container", container)
        .put("from", "ghcr.io/acme/" + workload + ":1.0.0")
        .put("to", "ghcr.io/acme/" + workload + ":1.1.0")
        .put("policy", "keel.sh/policy=minor")
        .put("trigger", "registry")
        .put("approvalsRequired", voters.length + 1);
    if (deadline != null) {
      spec.put("deadline", deadline);
    }
    if (phase != null) {
      ObjectNode status = node.putObject("status").put("phase", phase);
      var approvals = status.putArray("approvals");
      for (String voter : voters) {
        approvals.addObject().put("voter", voter).put("at", created);
      }
    }
    return new KubeObject(node);
  }

  private final List<KubeObject> cache = new ArrayList<>();
  private final ImageUpdateIndex index = new ImageUpdateIndex(() -> cache);

  @Test
  void sortsFiltersAndFindsThePendingUpdateOfAContainer() {
    cache.add(update("shop", "a", "web", "app", "Applied", "2026-11-25T10:00:00Z", null));
    cache.add(
        update(
            "shop", "b", "web", "app", "Pending", "2026-11-25T11:00:00Z", "2026-11-26T11:00:00Z"));
    cache.add(
        update(
            "shop",
            "c",
            "api",
            "app",
            "Pending",
            "2026-11-25T09:00:00Z",
            "2026-11-26T09:00:00Z",
            "alice"));
    cache.add(update("ops", "d", "web", "app", "Rejected", "2026-11-25T12:00:00Z", null));
    cache.add(update("ops", "e", "web", "app", null, "2026-11-25T13:00:00Z", null));
    index.changed();

    assertThat(index.all()).extracting(UpdateView::name).containsExactly("e", "d", "b", "a", "c");
    assertThat(index.pending()).extracting(UpdateView::name).containsExactly("c", "b");
    assertThat(index.pendingFor("shop", "Deployment", "web", "app"))
        .map(UpdateView::name)
        .contains("b");
    assertThat(index.pendingFor("shop", "StatefulSet", "web", "app")).isEmpty();
    assertThat(index.query("shop", null, Set.of()))
        .extracting(UpdateView::name)
        .containsExactly("b", "a", "c");
    assertThat(index.query(null, "web", Set.of("Applied", "Rejected")))
        .extracting(UpdateView::name)
        .containsExactly("d", "a");
    UpdateView c = index.pending().get(0);
    assertThat(c.votedBy("alice")).isTrue();
    assertThat(c.approvals()).extracting(UpdateView.Vote::voter).containsExactly("alice");
    assertThat(index.all().get(0).phase()).isNull();
    assertThat(index.all().get(0).finished()).isFalse();
  }

  @Test
  void aChangeIsSeenOnlyAfterItIsSignalled() {
    index.all();
    cache.add(update("shop", "a", "web", "app", "Pending", "2026-11-25T10:00:00Z", null));
    assertThat(index.all()).isEmpty();
    index.changed();
    assertThat(index.all()).hasSize(1);
  }
}
