package dev.mirrorgate.webhook.registry;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.owned.Parsed;
import java.util.List;
import java.util.Optional;

/** The Registry custom resources of every namespace, and how each is read. */
public final class RegistrySources {
  public static final ApiResource REGISTRIES =
      new ApiResource("mirrorgate.dev", "v1alpha1", "registries", "Registry", true);
  public static final ApiResource CERTIFICATES =
      new ApiResource("cert-manager.io", "v1", "certificates", "Certificate", true);

  private final Informer registries;
  private final RegistrySpecParser parser = new RegistrySpecParser();

  public RegistrySources(Informer registries) {
    this.registries = registries;
  }

  /** The Registry with key {@code namespace/name}. */
  public Optional<KubeObject> find(String key) {
    int slash = key.indexOf('/');
    return registries.get(key.substring(0, slash), key.substring(slash + 1));
  }

  public Parsed<RegistrySpec> parse(KubeObject cr) {
    return parser.parse(cr.node());
  }

  public List<KubeObject> all() {
    return registries.list();
  }

  public Informer informer() {
    return registries;
  }
}
