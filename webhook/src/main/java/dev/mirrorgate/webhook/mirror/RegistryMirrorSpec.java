package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.owned.Owner;
import dev.mirrorgate.webhook.owned.PodOptions;
import java.util.Objects;
import java.util.Optional;

/**
 * A RegistryMirror with every default applied: one caching proxy of {@code upstream}. Read from
 * {@code mirrorgate.dev/v1alpha1} or mirror-operator's {@code k8s.osp.tech/v1} by {@link
 * RegistryMirrorSpecParser}.
 *
 * @param owner the custom resource
 * @param upstream registry {@code host[:port]} whose images the mirror serves
 * @param masquerade the name nodes resolve to the mirror, empty for none
 * @param credentialsSecret Secret in the controller namespace with keys {@code username} and {@code
 *     password}
 * @param volumeClaimSpec the PersistentVolumeClaim spec of each replica's cache
 * @param cacheTtl a Go duration: distribution's {@code proxy.ttl}
 * @param image the distribution registry image
 */
public record RegistryMirrorSpec(
    Owner owner,
    String upstream,
    String masquerade,
    MirrorMode mode,
    Optional<String> credentialsSecret,
    int replicas,
    ObjectNode volumeClaimSpec,
    String cacheTtl,
    String image,
    PodOptions pod) {

  /** Docker Hub's name in image references; its registry API is served elsewhere. */
  public static final String DOCKER_HUB = "docker.io";

  /** Where Docker Hub's registry API is. */
  public static final String DOCKER_HUB_REGISTRY = "https://registry-1.docker.io";

  public RegistryMirrorSpec {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(masquerade, "masquerade");
    Objects.requireNonNull(mode, "mode");
    volumeClaimSpec = volumeClaimSpec.deepCopy();
  }

  /** The CR's name. */
  public String name() {
    return owner.name();
  }

  /** The upstream's host without its port: what the default masquerade is made of. */
  public String upstreamHost() {
    return hostOf(upstream);
  }

  /** distribution's {@code proxy.remoteurl}. */
  public String remoteUrl() {
    return upstream.equals(DOCKER_HUB) ? DOCKER_HUB_REGISTRY : "https://" + upstream;
  }

  public boolean hasMasquerade() {
    return !masquerade.isEmpty();
  }

  public String statefulSetName() {
    return "registry-mirror-" + name();
  }

  public String serviceName() {
    return "registry-mirror-" + name();
  }

  public String headlessServiceName() {
    return serviceName() + "-headless";
  }

  public String tlsSecretName() {
    return serviceName() + "-tls";
  }

  public String configMapName() {
    return serviceName() + "-config";
  }

  static String hostOf(String hostPort) {
    if (hostPort.startsWith("[")) {
      return hostPort.substring(1, hostPort.indexOf(']'));
    }
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }
}
