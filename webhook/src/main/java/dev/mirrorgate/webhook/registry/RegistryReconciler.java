package dev.mirrorgate.webhook.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.RenewalPolicy;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.webhook.controller.Applier.Applied;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.Conditions.Condition;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.OwnedInformers;
import dev.mirrorgate.webhook.controller.OwnerStatus;
import dev.mirrorgate.webhook.controller.OwnerWriter;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.owned.ContentHash;
import dev.mirrorgate.webhook.owned.Parsed;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Registry → an in-cluster registry in its namespace: Service (its ClusterIP and the fixed
 * load-balancer IP go into the certificate), TLS Secret from mirrorgate's CA or a cert-manager
 * Certificate, the config Secret (notification endpoint with a generated token, also added to
 * Secret {@code mirrorgate-webhook-tokens}), the PVC (kept with {@code retainOnDelete}) and a
 * Deployment; then the status and, with {@code nodeLocal}, its mirrors entry.
 */
public final class RegistryReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(RegistryReconciler.class);
  static final Duration RECHECK_USER_SECRET = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RegistrySources sources;
  private final OwnedInformers owned;
  private final Informer controllerSecrets;
  private final Optional<ApiResource> certificates;
  private final KubeRest reads;
  private final OwnerWriter writer;
  private final OwnerStatus status;
  private final EventSink events;
  private final ClusterAuthority authority;
  private final RegistryTokens tokens;
  private final RegistryRenderer renderer;
  private final String namespace;
  private final Supplier<String> controllerCaPem;
  private final Clock clock;
  private final Runnable mirrorsChanged;

  /**
   * @param certificates cert-manager's Certificate resource, when the cluster serves it
   * @param controllerCaPem the CA the controller's serving certificate chains to: the registries
   *     trust it for their notifications
   */
  public RegistryReconciler(
      RegistrySources sources,
      OwnedInformers owned,
      Informer controllerSecrets,
      Optional<ApiResource> certificates,
      KubeRest reads,
      KubeRest writes,
      OwnerWriter writer,
      EventSink events,
      ClusterAuthority authority,
      RegistryRenderer renderer,
      String namespace,
      Supplier<String> controllerCaPem,
      Clock clock,
      Runnable mirrorsChanged) {
    this.sources = sources;
    this.owned = owned;
    this.controllerSecrets = controllerSecrets;
    this.certificates = certificates;
    this.reads = reads;
    this.writer = writer;
    this.status = new OwnerStatus(writes, clock);
    this.events = events;
    this.authority = authority;
    this.tokens = new RegistryTokens(writes, namespace);
    this.renderer = renderer;
    this.namespace = namespace;
    this.controllerCaPem = controllerCaPem;
    this.clock = clock;
    this.mirrorsChanged = mirrorsChanged;
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public Result reconcile(String key) throws Exception {
    int slash = key.indexOf('/');
    String crNamespace = key.substring(0, slash);
    String crName = key.substring(slash + 1);
    Optional<KubeObject> found = sources.find(key);
    if (found.isEmpty() || found.get().deleting()) {
      List<ApiResource> kinds = new ArrayList<>(ownedKinds());
      writer.removeAll(kinds, object -> ownedBy(object, crNamespace, crName), key);
      tokens.remove(tokensSecret(), RegistryTokens.key(crNamespace, crName));
      mirrorsChanged.run();
      return Result.done();
    }
    KubeObject cr = found.get();
    Parsed<RegistrySpec> parsed = sources.parse(cr);
    if (!parsed.isValid()) {
      return notReady(cr, "InvalidSpec", parsed.message(), Result.done());
    }
    RegistrySpec spec = parsed.get();
    if (spec.htpasswdSecret().isPresent()) {
      Optional<KubeObject> users =
          reads.get(ApiResource.SECRETS, spec.namespace(), spec.htpasswdSecret().get());
      List<String> problems =
          RegistrySpecParser.htpasswdProblems(spec, users.map(KubeObject::node).orElse(null));
      if (!problems.isEmpty()) {
        return notReady(
            cr, "HtpasswdInvalid", String.join("; ", problems), Result.after(RECHECK_USER_SECRET));
      }
    }
    if (spec.issuerRef().isPresent() && certificates.isEmpty()) {
      return notReady(
          cr,
          "CertManagerMissing",
          "spec.tls.issuerRef: cert-manager's Certificate API (cert-manager.io/v1) is not served;"
              + " install cert-manager or remove issuerRef to use mirrorgate's CA",
          Result.done());
    }
    Optional<String> earlier = earlierWithPort(cr, spec);
    if (earlier.isPresent()) {
      return notReady(
          cr,
          "NodeLocalPortConflict",
          "spec.nodeLocal.port: Registry "
              + earlier.get()
              + " already serves localhost:"
              + spec.nodeLocalPort().getAsInt()
              + " on every node",
          Result.done());
    }
    try {
      return converge(cr, spec);
    } catch (OwnerWriter.Rejected e) {
      return notReady(cr, "ApplyRejected", e.getMessage(), Result.after(Duration.ofMinutes(1)));
    }
  }

  private Result converge(KubeObject cr, RegistrySpec spec) throws Exception {
    boolean before = cr.node().path("status").has("observedGeneration");

    Applied service = writer.apply(cr, ApiResource.SERVICES, renderer.service(spec), before);
    String clusterIp = service.object().node().path("spec").path("clusterIP").asText("");
    if (clusterIp.isEmpty() || "None".equals(clusterIp)) {
      throw new KubeException(0, "Service " + spec.resourceName() + " has no ClusterIP yet");
    }

    Optional<KubeObject> tlsSecret =
        owned.get(ApiResource.SECRETS, spec.namespace(), spec.tlsSecretName());
    String certificatePem;
    String caPem;
    Optional<IssuedCertificate> leaf = Optional.empty();
    if (spec.issuerRef().isPresent()) {
      writer.apply(
          cr, certificates.get(), renderer.certificate(spec, clusterIp).orElseThrow(), before);
      if (tlsSecret.isEmpty()) {
        return notReady(
            cr,
            "CertificatePending",
            "waiting for cert-manager to issue Secret " + spec.tlsSecretName(),
            Result.done()); // the Secret's creation queues this Registry
      }
      certificatePem = OwnerWriter.decode(tlsSecret.get().node().path("data").path("tls.crt"));
      caPem = OwnerWriter.decode(tlsSecret.get().node().path("data").path("ca.crt"));
    } else {
      CertificateAuthority ca =
          authority.get(controllerSecrets.get(namespace, ClusterAuthority.SECRET_NAME));
      leaf =
          Optional.of(writer.leaf(cr, tlsSecret, ca, renderer.certificateNames(spec, clusterIp)));
      caPem = authority.pem();
      certificatePem = leaf.get().certificatePem();
      writer.apply(
          cr,
          ApiResource.SECRETS,
          renderer.tlsSecret(
              spec, leaf.get().certificateChainPem(), leaf.get().privateKeyPem(), caPem),
          before);
    }

    Optional<KubeObject> configSecret =
        owned.get(ApiResource.SECRETS, spec.namespace(), spec.configSecretName());
    String httpSecret =
        stored(configSecret, RegistryRenderer.HTTP_SECRET_KEY)
            .orElseGet(RegistryReconciler::secret);
    Optional<NotificationEndpoint> notifications = Optional.empty();
    String tokenKey = RegistryTokens.key(spec.namespace(), spec.name());
    if (spec.pushToDeploy()) {
      String token =
          stored(configSecret, RegistryRenderer.TOKEN_KEY).orElseGet(RegistryReconciler::secret);
      tokens.ensure(tokensSecret(), tokenKey, token);
      notifications =
          Optional.of(
              new NotificationEndpoint(
                  NotificationEndpoint.inCluster(namespace), token, controllerCaPem.get()));
    } else {
      tokens.remove(tokensSecret(), tokenKey);
    }
    RegistryInputs inputs = new RegistryInputs(notifications, httpSecret);
    writer.apply(cr, ApiResource.SECRETS, renderer.configSecret(spec, inputs), before);
    writer.apply(
        cr, ApiResource.PERSISTENT_VOLUME_CLAIMS, renderer.persistentVolumeClaim(spec), before);
    Applied deployment =
        writer.apply(
            cr,
            ApiResource.DEPLOYMENTS,
            renderer.deployment(spec, inputs, certificatePem, htpasswdDigest(spec)),
            before);

    int ready = deployment.object().node().path("status").path("readyReplicas").asInt(0);
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    String host = clusterIp.contains(":") ? "[" + clusterIp + "]" : clusterIp;
    fields.put(
        "endpoint",
        "https://"
            + spec.resourceName()
            + "."
            + spec.namespace()
            + ".svc:"
            + spec.service().port());
    fields.put("address", host);
    fields.put("caFingerprint", fingerprint(caPem));
    Condition condition =
        ready >= 1
            ? new Condition(
                "Ready", true, "RegistryReady", "serving at " + renderer.registryName(spec))
            : new Condition(
                "Ready", false, "RegistryNotReady", "0 of " + spec.replicas() + " replicas ready");
    status.update(RegistrySources.REGISTRIES, cr, fields, condition);
    mirrorsChanged.run();
    if (leaf.isPresent()) {
      Duration until =
          Duration.between(
              clock.instant(), RenewalPolicy.forLeaves().renewAt(leaf.get().certificate()));
      return Result.after(until.isNegative() ? Duration.ofSeconds(1) : until);
    }
    return Result.done();
  }

  /** The node-local Registries' entries for {@code mirrors.yaml}. */
  public List<Mirror> mirrorsEntries(MirrorsDocument current) {
    List<Mirror> entries = new ArrayList<>();
    for (KubeObject cr : sources.all()) {
      Parsed<RegistrySpec> parsed = sources.parse(cr);
      if (cr.deleting() || !parsed.isValid() || parsed.get().nodeLocalPort().isEmpty()) {
        if (!parsed.isValid()) { // last good entry
          current.mirrors().stream()
              .filter(m -> m.name().equals("registry-" + cr.namespace() + "-" + cr.name()))
              .forEach(entries::add);
        }
        continue;
      }
      RegistrySpec spec = parsed.get();
      Optional<String> clusterIp =
          owned
              .get(ApiResource.SERVICES, spec.namespace(), spec.resourceName())
              .map(s -> s.node().path("spec").path("clusterIP").asText(""))
              .filter(ip -> !ip.isEmpty() && !"None".equals(ip));
      Optional<String> caPem =
          owned
              .get(ApiResource.SECRETS, spec.namespace(), spec.tlsSecretName())
              .map(s -> OwnerWriter.decode(s.node().path("data").path("ca.crt")))
              .filter(pem -> !pem.isEmpty());
      if (clusterIp.isPresent() && caPem.isPresent()) {
        renderer.mirrorsEntry(spec, clusterIp.get(), caPem.get()).ifPresent(entries::add);
      }
    }
    return entries;
  }

  /** The Registry created before {@code cr} that claims the same node-local port, if any. */
  private Optional<String> earlierWithPort(KubeObject cr, RegistrySpec spec) {
    if (spec.nodeLocalPort().isEmpty()) {
      return Optional.empty();
    }
    String created = cr.node().path("metadata").path("creationTimestamp").asText("");
    return sources.all().stream()
        .filter(other -> !other.key().equals(cr.key()) && !other.deleting())
        .filter(
            other -> {
              Parsed<RegistrySpec> parsed = sources.parse(other);
              return parsed.isValid() && parsed.get().nodeLocalPort().equals(spec.nodeLocalPort());
            })
        .filter(
            other -> {
              String otherCreated =
                  other.node().path("metadata").path("creationTimestamp").asText("");
              int order = otherCreated.compareTo(created);
              return order < 0 || (order == 0 && other.key().compareTo(cr.key()) < 0);
            })
        .map(KubeObject::key)
        .findFirst();
  }

  private List<ApiResource> ownedKinds() {
    List<ApiResource> kinds = new ArrayList<>();
    kinds.add(ApiResource.DEPLOYMENTS);
    kinds.add(ApiResource.SERVICES);
    kinds.add(ApiResource.SECRETS);
    kinds.add(ApiResource.PERSISTENT_VOLUME_CLAIMS); // only those owned: retainOnDelete: false
    certificates.ifPresent(kinds::add);
    return kinds;
  }

  private Optional<KubeObject> tokensSecret() {
    return controllerSecrets.get(namespace, RegistryTokens.SECRET_NAME);
  }

  private Result notReady(KubeObject cr, String reason, String message, Result next)
      throws KubeException {
    boolean news = !message.equals(OwnerStatus.readyMessage(cr));
    status.update(
        RegistrySources.REGISTRIES,
        cr,
        JsonNodeFactory.instance.objectNode(),
        new Condition("Ready", false, reason, message));
    if (news) {
      events.warning(cr, reason, message);
      log.warn(
          "registry not reconciled",
          StructuredArguments.keyValue("registry", cr.key()),
          StructuredArguments.keyValue("reason", reason),
          StructuredArguments.keyValue("message", message));
    }
    return next;
  }

  /** Whether {@code object} belongs to the Registry {@code namespace/name}. */
  static boolean ownedBy(KubeObject object, String namespace, String name) {
    return namespace.equals(object.namespace())
        && object.ownerName(RegistrySpecParser.KIND).map(name::equals).orElse(false);
  }

  private static Optional<String> stored(Optional<KubeObject> secret, String key) {
    return secret
        .map(s -> s.node().path("data").path(key).asText(""))
        .filter(v -> !v.isEmpty())
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String htpasswdDigest(RegistrySpec spec) throws KubeException {
    if (spec.htpasswdSecret().isEmpty()) {
      return "";
    }
    return ContentHash.of(
        reads
            .get(ApiResource.SECRETS, spec.namespace(), spec.htpasswdSecret().get())
            .map(s -> s.node().path("data").toString())
            .orElse(""));
  }

  private static String fingerprint(String pem) {
    try {
      return dev.mirrorgate.certs.Fingerprints.sha256(
          dev.mirrorgate.certs.Pem.readCertificates(pem).get(0));
    } catch (Exception e) {
      return "";
    }
  }
}
