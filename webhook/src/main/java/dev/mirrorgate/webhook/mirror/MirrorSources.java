package dev.mirrorgate.webhook.mirror;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.owned.Parsed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RegistryMirror custom resources the controller manages: {@code mirrorgate.dev/v1alpha1}, and
 * mirror-operator's {@code k8s.osp.tech/v1} where that API is served. Both share one name space
 * (the objects they own are named after them): when both groups hold a name, mirrorgate.dev's wins.
 */
public final class MirrorSources {
  public static final ApiResource REGISTRY_MIRRORS =
      new ApiResource("mirrorgate.dev", "v1alpha1", "registrymirrors", "RegistryMirror", false);
  public static final ApiResource LEGACY_REGISTRY_MIRRORS =
      new ApiResource("k8s.osp.tech", "v1", "registrymirrors", "RegistryMirror", false);

  /** A RegistryMirror and where it came from; legacy objects have no status subresource. */
  public record Found(ApiResource resource, KubeObject object) {
    public boolean hasStatus() {
      return resource.equals(REGISTRY_MIRRORS);
    }
  }

  private final Informer current;
  private final Optional<Informer> legacy;
  private final RegistryMirrorSpecParser parser;
  private final RegistryMirrorSpecParser legacyParser;

  /**
   * @param legacy the informer on {@code k8s.osp.tech/v1} RegistryMirrors when that API is served
   * @param legacyMode the mode legacy mirrors get ({@code --addressing-scheme})
   */
  public MirrorSources(Informer current, Optional<Informer> legacy, MirrorMode legacyMode) {
    this.current = current;
    this.legacy = legacy;
    this.parser = new RegistryMirrorSpecParser();
    this.legacyParser = new RegistryMirrorSpecParser(legacyMode);
  }

  public Optional<Found> find(String name) {
    Optional<KubeObject> found = current.get(null, name);
    if (found.isPresent()) {
      return Optional.of(new Found(REGISTRY_MIRRORS, found.get()));
    }
    return legacy.flatMap(l -> l.get(null, name)).map(o -> new Found(LEGACY_REGISTRY_MIRRORS, o));
  }

  public Parsed<RegistryMirrorSpec> parse(KubeObject cr) {
    boolean isLegacy = RegistryMirrorSpecParser.LEGACY_API_VERSION.equals(cr.getApiVersion());
    return (isLegacy ? legacyParser : parser).parse(cr.node());
  }

  /** Every RegistryMirror by name, mirrorgate.dev's winning a shared name. */
  public Map<String, Found> all() {
    Map<String, Found> all = new LinkedHashMap<>();
    legacy.ifPresent(
        l -> l.list().forEach(o -> all.put(o.name(), new Found(LEGACY_REGISTRY_MIRRORS, o))));
    current.list().forEach(o -> all.put(o.name(), new Found(REGISTRY_MIRRORS, o)));
    return all;
  }

  /** Whether the RegistryMirror {@code cr} names Secret {@code secret} for its credentials. */
  public boolean references(KubeObject cr, String secret) {
    return secret.equals(cr.node().path("spec").path("credentialsSecret").asText(null));
  }

  /** The informers, to register change handlers on. */
  public List<Informer> informers() {
    List<Informer> informers = new ArrayList<>();
    informers.add(current);
    legacy.ifPresent(informers::add);
    return informers;
  }
}
