package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Informers on everything the controllers own, selected by {@code
 * app.kubernetes.io/managed-by=mirrorgate} in every namespace (a Registry's objects live in its own
 * namespace): a hand edit or deletion reaches the owner's reconcile at once. Managed fields are
 * dropped from the cache.
 */
public final class OwnedInformers {
  public static final String SELECTOR = "app.kubernetes.io/managed-by=mirrorgate";
  static final List<ApiResource> KINDS =
      List.of(
          ApiResource.SERVICES,
          ApiResource.STATEFUL_SETS,
          ApiResource.DEPLOYMENTS,
          ApiResource.SECRETS,
          ApiResource.CONFIG_MAPS,
          ApiResource.PERSISTENT_VOLUME_CLAIMS);

  private final Map<ApiResource, Informer> informers;

  /**
   * @param extraKinds further owned kinds the cluster serves (cert-manager's Certificates)
   */
  public OwnedInformers(KubeRest watches, ControllerRuntime runtime, List<ApiResource> extraKinds) {
    this.informers =
        java.util.stream.Stream.concat(KINDS.stream(), extraKinds.stream())
            .collect(
                java.util.stream.Collectors.toMap(
                    kind -> kind,
                    kind ->
                        runtime.informer(
                            new Informer(
                                watches,
                                kind,
                                ListQuery.all().withLabels(SELECTOR),
                                Informer.WITHOUT_MANAGED_FIELDS))));
  }

  public Optional<KubeObject> get(ApiResource kind, String namespace, String name) {
    return informer(kind).get(namespace, name);
  }

  public List<KubeObject> list(ApiResource kind) {
    return informer(kind).list();
  }

  /** Every owned object of every kind. */
  public List<KubeObject> all() {
    return informers.values().stream().flatMap(i -> i.list().stream()).toList();
  }

  /** Calls {@code onChange} with every change of any owned object. */
  public void onChange(Consumer<KubeObject> onChange) {
    informers.values().forEach(i -> i.onChange(onChange));
  }

  private Informer informer(ApiResource kind) {
    Informer informer = informers.get(kind);
    if (informer == null) {
      throw new IllegalArgumentException("not an owned kind: " + kind);
    }
    return informer;
  }
}
