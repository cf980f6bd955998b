package dev.mirrorgate.webhook.registry;

import dev.mirrorgate.webhook.owned.Owner;
import dev.mirrorgate.webhook.owned.PodOptions;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Registry with every default applied: an in-cluster registry to push to, in the Registry's own
 * namespace. Read by {@link RegistrySpecParser}.
 *
 * @param owner the custom resource (its namespace is where everything is created)
 * @param issuerRef a cert-manager issuer; empty: mirrorgate's CA issues the certificate
 * @param nodeLocalPort every node pulls {@code localhost:<port>/<repo>} from this registry
 * @param htpasswdSecret a Secret in the Registry's namespace whose key {@code htpasswd} lists who
 *     may use the registry (bcrypt)
 * @param pushToDeploy whether the registry notifies mirrorgate of pushes
 */
public record RegistrySpec(
    Owner owner,
    int replicas,
    Storage storage,
    Service service,
    Optional<IssuerRef> issuerRef,
    OptionalInt nodeLocalPort,
    Optional<String> htpasswdSecret,
    boolean pushToDeploy,
    String image,
    PodOptions pod) {

  /** The PVC: its size, class, and whether it outlives the Registry. */
  public record Storage(String size, Optional<String> storageClassName, boolean retainOnDelete) {}

  /** The Service: its type, port, fixed load-balancer IP and annotations. */
  public record Service(
      String type, int port, Optional<String> loadBalancerIp, Map<String, String> annotations) {
    public Service {
      annotations = Map.copyOf(annotations);
    }
  }

  /** A cert-manager issuer. */
  public record IssuerRef(String name, String kind, String group) {}

  public RegistrySpec {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(service, "service");
  }

  public String name() {
    return owner.name();
  }

  /** Where everything of this Registry lives: its own namespace. */
  public String namespace() {
    return owner.namespace();
  }

  /**
   * {@code registry-<name>}: the Deployment, the PVC, the Service and a cert-manager Certificate.
   */
  public String resourceName() {
    return "registry-" + name();
  }

  public String tlsSecretName() {
    return resourceName() + "-tls";
  }

  public String configSecretName() {
    return resourceName() + "-config";
  }

  /** The entry name in mirrors.yaml, unique across namespaces. */
  public String mirrorName() {
    return "registry-" + namespace() + "-" + name();
  }

  public boolean authenticated() {
    return htpasswdSecret.isPresent();
  }
}
