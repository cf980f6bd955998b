package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.ContentHash;
import dev.mirrorgate.webhook.owned.DistributionConfig;
import dev.mirrorgate.webhook.owned.OwnedObject;
import dev.mirrorgate.webhook.owned.PodParts;
import dev.mirrorgate.webhook.owned.RegistryLayout;
import dev.mirrorgate.webhook.owned.YamlText;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the objects a RegistryMirror owns, each ready for server-side apply, all in the
 * controller's namespace:
 *
 * <ul>
 *   <li>{@code Service registry-mirror-<name>} (ClusterIP, 443 → 5000) and {@code Service
 *       registry-mirror-<name>-headless} (the StatefulSet's);
 *   <li>{@code Secret registry-mirror-<name>-tls} from PEMs the controller issued for {@link
 *       #certificateNames} (known only once the Service has its ClusterIP);
 *   <li>{@code ConfigMap registry-mirror-<name>-config}: the proxy's {@code config.yml}, which
 *       holds no secret (upstream credentials reach the pods as {@code secretKeyRef} env);
 *   <li>{@code StatefulSet registry-mirror-<name>}: distribution in proxy mode, HTTPS on 5000, one
 *       PVC per replica (kept when the CR is deleted);
 *   <li>its entry in {@code mirrors.yaml}, by {@link #mirrorsEntry}.
 * </ul>
 */
public final class RegistryMirrorRenderer {
  /** {@code app.kubernetes.io/name} of a RegistryMirror's objects. */
  public static final String APP = "registry-mirror";

  public static final String COMPONENT = "caching-proxy";

  /** The port of {@code Service registry-mirror-<name>}: runtimes reach the mirror on 443. */
  public static final int SERVICE_PORT = 443;

  /** Env variables distribution reads the upstream credentials from. */
  public static final String USERNAME_ENV = "REGISTRY_PROXY_USERNAME";

  public static final String PASSWORD_ENV = "REGISTRY_PROXY_PASSWORD";

  /** The name of each replica's PVC template (PVCs are {@code data-registry-mirror-<name>-<i>}). */
  public static final String DATA_VOLUME = "data";

  private final String clusterDomain;

  /** A renderer for a cluster whose DNS domain is {@code cluster.local}. */
  public RegistryMirrorRenderer() {
    this("cluster.local");
  }

  public RegistryMirrorRenderer(String clusterDomain) {
    this.clusterDomain = clusterDomain;
  }

  /** The labels of every object of {@code spec}. */
  public Map<String, String> labels(RegistryMirrorSpec spec) {
    return OwnedObject.labels(APP, spec.name(), COMPONENT);
  }

  /** {@code Service registry-mirror-<name>}: port 443 to the pods' {@code https} port. */
  public ObjectNode service(RegistryMirrorSpec spec, String namespace) {
    ObjectNode service = owned(spec, "v1", "Service", spec.serviceName(), namespace);
    ObjectNode body = service.putObject("spec");
    body.put("type", "ClusterIP");
    body.set("selector", OwnedObject.map(OwnedObject.selector(APP, spec.name())));
    addPort(body.putArray("ports"), SERVICE_PORT);
    return service;
  }

  /**
   * {@code Service registry-mirror-<name>-headless}: the StatefulSet's governing Service, which
   * gives each replica a stable DNS name; not-ready pods are published so that they can be probed.
   */
  public ObjectNode headlessService(RegistryMirrorSpec spec, String namespace) {
    ObjectNode service = owned(spec, "v1", "Service", spec.headlessServiceName(), namespace);
    ObjectNode body = service.putObject("spec");
    body.put("clusterIP", "None");
    body.put("publishNotReadyAddresses", true);
    body.set("selector", OwnedObject.map(OwnedObject.selector(APP, spec.name())));
    addPort(body.putArray("ports"), RegistryLayout.CONTAINER_PORT);
    return service;
  }

  /**
   * The names of the mirror's serving certificate: the Service in each DNS form, the headless
   * Service, the masquerade name, and the ClusterIP as an IP address.
   */
  public CertificateNames certificateNames(
      RegistryMirrorSpec spec, String namespace, String clusterIp) {
    List<String> dns = new ArrayList<>();
    dns.addAll(CertificateNames.serviceDnsNames(spec.serviceName(), namespace, clusterDomain));
    dns.addAll(
        CertificateNames.serviceDnsNames(spec.headlessServiceName(), namespace, clusterDomain));
    dns.add(spec.masquerade());
    return CertificateNames.of(spec.serviceName(), dns, List.of(clusterIp));
  }

  /**
   * {@code Secret registry-mirror-<name>-tls} of type {@code kubernetes.io/tls}: {@code tls.crt}
   * (the leaf then its CA), {@code tls.key} and {@code ca.crt} (what runtimes trust).
   */
  public ObjectNode tlsSecret(
      RegistryMirrorSpec spec,
      String namespace,
      String certificateChainPem,
      String privateKeyPem,
      String caPem) {
    ObjectNode secret = owned(spec, "v1", "Secret", spec.tlsSecretName(), namespace);
    secret.put("type", "kubernetes.io/tls");
    ObjectNode data = secret.putObject("data");
    data.put("tls.crt", base64(certificateChainPem));
    data.put("tls.key", base64(privateKeyPem));
    data.put("ca.crt", base64(caPem));
    return secret;
  }

  /**
   * The proxy's {@code config.yml}: the shared registry configuration plus {@code proxy.remoteurl}
   * (Docker Hub's is {@code https://registry-1.docker.io}) and {@code proxy.ttl}. No credentials:
   * distribution reads them from {@code REGISTRY_PROXY_USERNAME} and {@code
   * REGISTRY_PROXY_PASSWORD}.
   *
   * <p>distribution 2.8 (Debian's {@code docker-registry}, {@code registry:2}) ignores {@code
   * proxy.ttl} and keeps cached content for a fixed 168h, the default; 3.x honours it. Either way a
   * cached tag is re-resolved against the upstream on every pull that can reach it: the TTL bounds
   * how long content is kept, not how stale a tag may be.
   */
  public String configYaml(RegistryMirrorSpec spec, RegistryLayout layout) {
    ObjectNode config = DistributionConfig.base(layout, spec.serviceName());
    ObjectNode proxy = config.putObject("proxy");
    proxy.put("remoteurl", spec.remoteUrl());
    proxy.put("ttl", spec.cacheTtl());
    return YamlText.write(config);
  }

  /** {@code ConfigMap registry-mirror-<name>-config} with the in-container {@code config.yml}. */
  public ObjectNode configMap(RegistryMirrorSpec spec, String namespace) {
    ObjectNode configMap = owned(spec, "v1", "ConfigMap", spec.configMapName(), namespace);
    configMap
        .putObject("data")
        .put(RegistryLayout.CONFIG_KEY, configYaml(spec, RegistryLayout.IN_CONTAINER));
    return configMap;
  }

  /**
   * {@code StatefulSet registry-mirror-<name>}. Its pod template carries a hash of the
   * configuration, of {@code certificatePem} (the current {@code tls.crt}) and of {@code
   * credentialsDigest} (anything that changes with the credentials Secret's values, empty without
   * one), so a renewed certificate or rotated password rolls the pods.
   */
  public ObjectNode statefulSet(
      RegistryMirrorSpec spec, String namespace, String certificatePem, String credentialsDigest) {
    return statefulSet(
        spec, namespace, certificatePem, credentialsDigest, RegistryLayout.IN_CONTAINER);
  }

  /** The StatefulSet for another file layout (tests run the registry outside a pod). */
  public ObjectNode statefulSet(
      RegistryMirrorSpec spec,
      String namespace,
      String certificatePem,
      String credentialsDigest,
      RegistryLayout layout) {
    ObjectNode statefulSet =
        owned(spec, "apps/v1", "StatefulSet", spec.statefulSetName(), namespace);
    ObjectNode body = statefulSet.putObject("spec");
    body.put("serviceName", spec.headlessServiceName());
    body.put("replicas", spec.replicas());
    body.put("podManagementPolicy", "Parallel");
    body.putObject("selector")
        .set("matchLabels", OwnedObject.map(OwnedObject.selector(APP, spec.name())));
    ObjectNode retention = body.putObject("persistentVolumeClaimRetentionPolicy");
    retention.put("whenDeleted", "Retain");
    retention.put("whenScaled", "Retain");
    String hash =
        ContentHash.of(
            configYaml(spec, RegistryLayout.IN_CONTAINER), certificatePem, credentialsDigest);
    ObjectNode template = body.putObject("template");
    template.set("metadata", PodParts.templateMetadata(labels(spec), hash));
    ObjectNode pod = PodParts.podSpec();
    template.set("spec", pod);
    ObjectNode container = PodParts.registryContainer(spec.image(), layout, "/v2/");
    spec.credentialsSecret()
        .ifPresent(
            secret -> {
              ArrayNode env = container.putArray("env");
              env.add(PodParts.secretEnv(USERNAME_ENV, secret, "username"));
              env.add(PodParts.secretEnv(PASSWORD_ENV, secret, "password"));
            });
    PodParts.mount(container, "config", layout.configDirectory(), true);
    PodParts.mount(container, "tls", layout.tlsDirectory(), true);
    PodParts.mount(container, DATA_VOLUME, layout.storageDirectory(), false);
    PodParts.mount(container, "tmp", "/tmp", false);
    spec.pod().applyTo(pod, container);
    pod.putArray("containers").add(container);
    ArrayNode volumes = pod.putArray("volumes");
    ObjectNode config = volumes.addObject();
    config.put("name", "config");
    config.putObject("configMap").put("name", spec.configMapName());
    volumes.add(PodParts.secretVolume("tls", spec.tlsSecretName()));
    volumes.add(PodParts.tmpVolume());
    ObjectNode claim = body.putArray("volumeClaimTemplates").addObject();
    ObjectNode claimMetadata = claim.putObject("metadata");
    claimMetadata.put("name", DATA_VOLUME);
    claimMetadata.set("labels", OwnedObject.map(labels(spec)));
    claim.set("spec", spec.volumeClaimSpec().deepCopy());
    return statefulSet;
  }

  /**
   * The mirror's entry in {@code mirrors.yaml}: reached at {@code https://<ClusterIP>:443}, its
   * masquerade (if any) resolved to the ClusterIP by the nodes, rewritten to by the webhook in
   * {@code services} and {@code both} modes, trusted through {@code caPem}.
   */
  public Mirror mirrorsEntry(RegistryMirrorSpec spec, String clusterIp, String caPem) {
    return new Mirror(
        spec.name(),
        spec.upstream(),
        URI.create("https://" + bracketed(clusterIp) + ":" + SERVICE_PORT),
        spec.hasMasquerade() ? Optional.of(spec.masquerade()) : Optional.empty(),
        Optional.of(clusterIp),
        spec.mode().rewrites(),
        caPem);
  }

  private ObjectNode owned(
      RegistryMirrorSpec spec, String apiVersion, String kind, String name, String namespace) {
    return OwnedObject.of(apiVersion, kind, name, namespace, labels(spec), spec.owner());
  }

  private static void addPort(ArrayNode ports, int port) {
    ObjectNode p = ports.addObject();
    p.put("name", "https");
    p.put("port", port);
    p.put("targetPort", "https");
    p.put("protocol", "TCP");
  }

  static String bracketed(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
