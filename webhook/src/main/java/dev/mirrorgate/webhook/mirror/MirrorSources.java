package dev.mirrorgate.webhook.mirror;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.owned.Parsed;
import java.util.ArrayList;
import java.util.HashMap;
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
  private final java.util.concurrent.ConcurrentMap<String, Parsed<RegistryMirrorSpec>> parsed =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentMap<String, String> parsedVersions =
      new java.util.concurrent.ConcurrentHashMap<>();

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

  /** The CR read into a spec; each version of an object is parsed once. */
  public Parsed<RegistryMirrorSpec> parse(KubeObject cr) {
    String version = cr.getApiVersion() + "/" + cr.uid() + "@" + cr.resourceVersion();
    Parsed<RegistryMirrorSpec> cached = parsed.get(cr.name());
    if (cached != null && version.equals(parsedVersions.get(cr.name()))) {
      return cached;
    }
    boolean isLegacy = RegistryMirrorSpecParser.LEGACY_API_VERSION.equals(cr.getApiVersion());
    Parsed<RegistryMirrorSpec> result = (isLegacy ? legacyParser : parser).parse(cr.node());
    parsed.put(cr.name(), result);
    parsedVersions.put(cr.name(), version);
    return result;
  }

  /**
   * The valid mirror that serves the same upstream as {@code spec} and was created before it (the
   * name breaks a tie): only the first one is listed, the later one is reported.
   */
  public Optional<String> earlierMirrorOf(KubeObject cr, RegistryMirrorSpec spec) {
    return Optional.ofNullable(firstOfEachUpstream().get(spec.upstream()))
        .filter(first -> !first.equals(cr.name()));
  }

  /**
   * Upstream → the name of the valid, not deleted mirror of that upstream created first (the name
   * breaks a tie), in one pass over the mirrors: the only one of each upstream that is listed.
   */
  public Map<String, String> firstOfEachUpstream() {
    Map<String, KubeObject> first = new HashMap<>();
    for (Found found : all().values()) {
      KubeObject object = found.object();
      if (object.deleting()) {
        continue;
      }
      Parsed<RegistryMirrorSpec> spec = parse(object);
      if (spec.isValid()) {
        first.merge(spec.get().upstream(), object, (a, b) -> earlier(a, b) ? a : b);
      }
    }
    Map<String, String> names = new HashMap<>();
    first.forEach((upstream, object) -> names.put(upstream, object.name()));
    return names;
  }

  private static boolean earlier(KubeObject a, KubeObject b) {
    int order = created(a).compareTo(created(b));
    return order < 0 || (order == 0 && a.name().compareTo(b.name()) < 0);
  }

  private static String created(KubeObject object) {
    return object.node().path("metadata").path("creationTimestamp").asText("");
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
