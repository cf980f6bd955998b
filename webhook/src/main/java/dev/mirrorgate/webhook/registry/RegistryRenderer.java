package dev.mirrorgate.webhook.registry;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the objects a Registry owns, each ready for server-side apply, in the Registry's
 * namespace:
 *
 * <ul>
 *   <li>{@code Service registry-<name>} (ClusterIP, NodePort or LoadBalancer, port → 5000);
 *   <li>{@code PersistentVolumeClaim registry-<name>}, without an ownerReference while {@code
 *       storage.retainOnDelete} (the default), so that it outlives the Registry; its label {@link
 *       #RETAIN_LABEL} says which;
 *   <li>{@code Secret registry-<name>-tls} from PEMs mirrorgate's CA issued for {@link
 *       #certificateNames}, or with {@code tls.issuerRef} a cert-manager {@code Certificate
 *       registry-<name>} that writes that Secret;
 *   <li>{@code Secret registry-<name>-config}: {@code config.yml} (notification token and {@code
 *       http.secret} included), the CA the registry trusts for its notification endpoint, and the
 *       two generated secrets under their own keys so the controller can keep them;
 *   <li>{@code Deployment registry-<name>} (strategy Recreate: one RWO volume);
 *   <li>with {@code nodeLocal}, its entry in {@code mirrors.yaml}, by {@link #mirrorsEntry}.
 * </ul>
 */
public final class RegistryRenderer {
  public static final String APP = "registry";
  public static final String COMPONENT = "registry";

  /** On the PVC: {@code "true"} when it is kept after the Registry is deleted. */
  public static final String RETAIN_LABEL = "mirrorgate.dev/retain-on-delete";

  /** Keys of the config Secret holding the generated secrets, for the controller to read back. */
  public static final String TOKEN_KEY = "notification-token";

  public static final String HTTP_SECRET_KEY = "http-secret";

  /** The header naming the registry as the workloads' images do. */
  public static final String REGISTRY_NAME_HEADER = "X-Mirrorgate-Registry-Name";

  /** Where Go's crypto/x509 (the registry) reads its trusted CAs from, replacing the system's. */
  public static final String CA_FILE_ENV = "SSL_CERT_FILE";

  private final String clusterDomain;

  public RegistryRenderer() {
    this("cluster.local");
  }

  public RegistryRenderer(String clusterDomain) {
    this.clusterDomain = clusterDomain;
  }

  public Map<String, String> labels(RegistrySpec spec) {
    return OwnedObject.labels(APP, spec.name(), COMPONENT);
  }

  /**
   * The registry host the workloads' images name, sent as {@code X-Mirrorgate-Registry-Name}:
   * {@code localhost:<nodeLocal.port>} with nodeLocal, else {@code
   * registry-<name>.<ns>.svc:<port>}.
   */
  public String registryName(RegistrySpec spec) {
    if (spec.nodeLocalPort().isPresent()) {
      return "localhost:" + spec.nodeLocalPort().getAsInt();
    }
    return spec.resourceName() + "." + spec.namespace() + ".svc:" + spec.service().port();
  }

  /** {@code Service registry-<name>}: the spec's type, port and annotations, to the pods' 5000. */
  public ObjectNode service(RegistrySpec spec) {
    ObjectNode service = owned(spec, "v1", "Service", spec.resourceName());
    if (!spec.service().annotations().isEmpty()) {
      ((ObjectNode) service.get("metadata"))
          .set(
              "annotations",
              OwnedObject.map(new java.util.TreeMap<>(spec.service().annotations())));
    }
    ObjectNode body = service.putObject("spec");
    body.put("type", spec.service().type());
    spec.service().loadBalancerIp().ifPresent(ip -> body.put("loadBalancerIP", ip));
    body.set("selector", OwnedObject.map(OwnedObject.selector(APP, spec.name())));
    ObjectNode port = body.putArray("ports").addObject();
    port.put("name", "https");
    port.put("port", spec.service().port());
    port.put("targetPort", "https");
    port.put("protocol", "TCP");
    return service;
  }

  /**
   * {@code PersistentVolumeClaim registry-<name>}: RWO, the spec's size and class. Owned by the
   * Registry (deleted with it) only when {@code storage.retainOnDelete} is false.
   */
  public ObjectNode persistentVolumeClaim(RegistrySpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(labels(spec));
    labels.put(RETAIN_LABEL, Boolean.toString(spec.storage().retainOnDelete()));
    ObjectNode claim =
        spec.storage().retainOnDelete()
            ? OwnedObject.unowned(
                "v1", "PersistentVolumeClaim", spec.resourceName(), spec.namespace(), labels)
            : OwnedObject.of(
                "v1",
                "PersistentVolumeClaim",
                spec.resourceName(),
                spec.namespace(),
                labels,
                spec.owner());
    ObjectNode body = claim.putObject("spec");
    body.putArray("accessModes").add("ReadWriteOnce");
    spec.storage().storageClassName().ifPresent(c -> body.put("storageClassName", c));
    body.putObject("resources").putObject("requests").put("storage", spec.storage().size());
    return claim;
  }

  /**
   * The names of the registry's serving certificate: the Service in each DNS form, and as IP
   * addresses the ClusterIP and the fixed load-balancer IP.
   */
  public CertificateNames certificateNames(RegistrySpec spec, String clusterIp) {
    List<String> ips = new ArrayList<>();
    ips.add(clusterIp);
    spec.service().loadBalancerIp().ifPresent(ips::add);
    return CertificateNames.of(
        spec.resourceName(),
        CertificateNames.serviceDnsNames(spec.resourceName(), spec.namespace(), clusterDomain),
        ips);
  }

  /** {@code Secret registry-<name>-tls} (type {@code kubernetes.io/tls}, plus {@code ca.crt}). */
  public ObjectNode tlsSecret(
      RegistrySpec spec, String certificateChainPem, String privateKeyPem, String caPem) {
    ObjectNode secret = owned(spec, "v1", "Secret", spec.tlsSecretName());
    secret.put("type", "kubernetes.io/tls");
    ObjectNode data = secret.putObject("data");
    data.put("tls.crt", base64(certificateChainPem));
    data.put("tls.key", base64(privateKeyPem));
    data.put("ca.crt", base64(caPem));
    return secret;
  }

  /**
   * With {@code tls.issuerRef}: a cert-manager {@code Certificate registry-<name>} for {@link
   * #certificateNames}, writing {@code Secret registry-<name>-tls} (ECDSA P-256, a new key at each
   * renewal); empty without one.
   */
  public Optional<ObjectNode> certificate(RegistrySpec spec, String clusterIp) {
    if (spec.issuerRef().isEmpty()) {
      return Optional.empty();
    }
    RegistrySpec.IssuerRef issuer = spec.issuerRef().get();
    CertificateNames names = certificateNames(spec, clusterIp);
    ObjectNode certificate = owned(spec, "cert-manager.io/v1", "Certificate", spec.resourceName());
    ObjectNode body = certificate.putObject("spec");
    body.put("secretName", spec.tlsSecretName());
    body.put("commonName", names.commonName());
    ArrayNode dns = body.putArray("dnsNames");
    names.dnsNames().forEach(dns::add);
    ArrayNode ips = body.putArray("ipAddresses");
    names.ipAddresses().forEach(ips::add);
    ObjectNode ref = body.putObject("issuerRef");
    ref.put("name", issuer.name());
    ref.put("kind", issuer.kind());
    ref.put("group", issuer.group());
    ObjectNode key = body.putObject("privateKey");
    key.put("algorithm", "ECDSA");
    key.put("size", 256);
    key.put("rotationPolicy", "Always");
    body.putArray("usages").add("digital signature").add("server auth");
    body.putObject("secretTemplate").set("labels", OwnedObject.map(labels(spec)));
    return Optional.of(certificate);
  }

  /**
   * The registry's {@code config.yml}: the shared configuration, {@code http.secret}, htpasswd
   * authentication when {@code auth.htpasswdSecret} is set, and with {@code pushToDeploy} one
   * notification endpoint carrying {@code Authorization: Bearer <token>} and {@code
   * X-Mirrorgate-Registry-Name}, pulls ignored.
   */
  public String configYaml(RegistrySpec spec, RegistryInputs inputs, RegistryLayout layout) {
    ObjectNode config = DistributionConfig.base(layout, spec.resourceName());
    ((ObjectNode) config.get("http")).put("secret", inputs.httpSecret());
    if (spec.authenticated()) {
      ObjectNode htpasswd = config.putObject("auth").putObject("htpasswd");
      htpasswd.put("realm", spec.resourceName());
      htpasswd.put("path", layout.htpasswdFile());
    }
    if (spec.pushToDeploy() && inputs.notifications().isPresent()) {
      NotificationEndpoint target = inputs.notifications().get();
      ObjectNode notifications = config.putObject("notifications");
      notifications.putObject("events").put("includereferences", true);
      ObjectNode endpoint = notifications.putArray("endpoints").addObject();
      endpoint.put("name", "mirrorgate");
      endpoint.put("url", target.url());
      ObjectNode headers = endpoint.putObject("headers");
      headers.putArray("Authorization").add("Bearer " + target.token());
      headers.putArray(REGISTRY_NAME_HEADER).add(registryName(spec));
      endpoint.put("timeout", "5s");
      endpoint.put("threshold", 5);
      endpoint.put("backoff", "10s");
      endpoint.putObject("ignore").putArray("actions").add("pull");
    }
    return YamlText.write(config);
  }

  /**
   * {@code Secret registry-<name>-config}: {@code config.yml}, the notification CA (when
   * notifying), and the generated token and http secret under {@link #TOKEN_KEY} and {@link
   * #HTTP_SECRET_KEY}.
   */
  public ObjectNode configSecret(RegistrySpec spec, RegistryInputs inputs) {
    ObjectNode secret = owned(spec, "v1", "Secret", spec.configSecretName());
    secret.put("type", "Opaque");
    ObjectNode data = secret.putObject("data");
    data.put(
        RegistryLayout.CONFIG_KEY, base64(configYaml(spec, inputs, RegistryLayout.IN_CONTAINER)));
    data.put(HTTP_SECRET_KEY, base64(inputs.httpSecret()));
    if (notifies(spec, inputs)) {
      NotificationEndpoint target = inputs.notifications().get();
      data.put(RegistryLayout.NOTIFICATION_CA_KEY, base64(target.caPem()));
      data.put(TOKEN_KEY, base64(target.token()));
    }
    return secret;
  }

  /**
   * {@code Deployment registry-<name>}. Its pod template carries a hash of the configuration, of
   * {@code certificatePem} (the current {@code tls.crt}) and of {@code htpasswdDigest} (anything
   * that changes with the push users, empty without them): the registry reads all three only at
   * start.
   */
  public ObjectNode deployment(
      RegistrySpec spec, RegistryInputs inputs, String certificatePem, String htpasswdDigest) {
    return deployment(spec, inputs, certificatePem, htpasswdDigest, RegistryLayout.IN_CONTAINER);
  }

  /** The Deployment for another file layout (tests run the registry outside a pod). */
  public ObjectNode deployment(
      RegistrySpec spec,
      RegistryInputs inputs,
      String certificatePem,
      String htpasswdDigest,
      RegistryLayout layout) {
    ObjectNode deployment = owned(spec, "apps/v1", "Deployment", spec.resourceName());
    ObjectNode body = deployment.putObject("spec");
    body.put("replicas", spec.replicas());
    body.putObject("strategy").put("type", "Recreate");
    body.putObject("selector")
        .set("matchLabels", OwnedObject.map(OwnedObject.selector(APP, spec.name())));
    String hash =
        ContentHash.of(
            configYaml(spec, inputs, RegistryLayout.IN_CONTAINER), certificatePem, htpasswdDigest);
    ObjectNode template = body.putObject("template");
    template.set("metadata", PodParts.templateMetadata(labels(spec), hash));
    ObjectNode pod = PodParts.podSpec();
    template.set("spec", pod);
    // With htpasswd, /v2/ answers 401; "/" answers 200 without authentication.
    ObjectNode container =
        PodParts.registryContainer(spec.image(), layout, spec.authenticated() ? "/" : "/v2/");
    if (notifies(spec, inputs)) {
      container.putArray("env").add(PodParts.env(CA_FILE_ENV, layout.notificationCaFile()));
    }
    PodParts.mount(container, "config", layout.configDirectory(), true);
    PodParts.mount(container, "tls", layout.tlsDirectory(), true);
    PodParts.mount(container, "data", layout.storageDirectory(), false);
    if (spec.authenticated()) {
      PodParts.mount(container, "htpasswd", layout.htpasswdDirectory(), true);
    }
    PodParts.mount(container, "tmp", "/tmp", false);
    spec.pod().applyTo(pod, container);
    pod.putArray("containers").add(container);
    ArrayNode volumes = pod.putArray("volumes");
    volumes.add(PodParts.secretVolume("config", spec.configSecretName()));
    volumes.add(PodParts.secretVolume("tls", spec.tlsSecretName()));
    ObjectNode data = volumes.addObject();
    data.put("name", "data");
    data.putObject("persistentVolumeClaim").put("claimName", spec.resourceName());
    spec.htpasswdSecret()
        .ifPresent(
            users -> {
              ObjectNode volume = PodParts.secretVolume("htpasswd", users);
              ObjectNode item = ((ObjectNode) volume.get("secret")).putArray("items").addObject();
              item.put("key", RegistryLayout.HTPASSWD_KEY);
              item.put("path", RegistryLayout.HTPASSWD_KEY);
              volumes.add(volume);
            });
    volumes.add(PodParts.tmpVolume());
    return deployment;
  }

  /**
   * With {@code nodeLocal}, the Registry's entry in {@code mirrors.yaml}: nodes pull {@code
   * localhost:<port>/<repo>} from {@code https://<ClusterIP>:<service port>}, trusting {@code
   * caPem}; empty without nodeLocal.
   */
  public Optional<Mirror> mirrorsEntry(RegistrySpec spec, String clusterIp, String caPem) {
    if (spec.nodeLocalPort().isEmpty()) {
      return Optional.empty();
    }
    String host = clusterIp.contains(":") ? "[" + clusterIp + "]" : clusterIp;
    return Optional.of(
        new Mirror(
            spec.mirrorName(),
            "localhost:" + spec.nodeLocalPort().getAsInt(),
            URI.create("https://" + host + ":" + spec.service().port()),
            Optional.empty(),
            Optional.of(clusterIp),
            false,
            caPem));
  }

  private static boolean notifies(RegistrySpec spec, RegistryInputs inputs) {
    return spec.pushToDeploy() && inputs.notifications().isPresent();
  }

  private ObjectNode owned(RegistrySpec spec, String apiVersion, String kind, String name) {
    return OwnedObject.of(apiVersion, kind, name, spec.namespace(), labels(spec), spec.owner());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
