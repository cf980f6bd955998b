package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.RenewalPolicy;
import dev.mirrorgate.webhook.controller.Applier;
import dev.mirrorgate.webhook.controller.Applier.Applied;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.Conditions.Condition;
import dev.mirrorgate.webhook.controller.DesiredObject;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.LeafDecision;
import dev.mirrorgate.webhook.controller.OwnedInformers;
import dev.mirrorgate.webhook.controller.OwnerStatus;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.owned.CertificateNames;
import dev.mirrorgate.webhook.owned.Parsed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RegistryMirror → its caching proxy: Service (first: its ClusterIP goes into the certificate),
 * TLS Secret (a leaf from mirrorgate's CA, kept while it still names everything and is not due),
 * config ConfigMap, headless Service and StatefulSet; then the status and the mirrors document. A
 * CR that is gone takes its objects with it (PVCs stay); an invalid one, or one whose credentials
 * Secret is missing or incomplete, gets {@code Ready=False} naming the field, and its objects are
 * left as they were.
 */
public final class RegistryMirrorReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(RegistryMirrorReconciler.class);
  static final Duration LEAF_VALIDITY = Duration.ofDays(90);

  private final MirrorSources sources;
  private final OwnedInformers owned;
  private final Informer controllerSecrets;
  private final KubeRest writes;
  private final Applier applier;
  private final OwnerStatus status;
  private final EventSink events;
  private final ClusterAuthority authority;
  private final RegistryMirrorRenderer renderer;
  private final String namespace;
  private final Clock clock;
  private final Runnable mirrorsChanged;

  public RegistryMirrorReconciler(
      MirrorSources sources,
      OwnedInformers owned,
      Informer controllerSecrets,
      KubeRest writes,
      Applier applier,
      EventSink events,
      ClusterAuthority authority,
      RegistryMirrorRenderer renderer,
      String namespace,
      Clock clock,
      Runnable mirrorsChanged) {
    this.sources = sources;
    this.owned = owned;
    this.controllerSecrets = controllerSecrets;
    this.writes = writes;
    this.applier = applier;
    this.status = new OwnerStatus(writes, clock);
    this.events = events;
    this.authority = authority;
    this.renderer = renderer;
    this.namespace = namespace;
    this.clock = clock;
    this.mirrorsChanged = mirrorsChanged;
  }

  @Override
  public String name() {
    return "registrymirror";
  }

  @Override
  public Result reconcile(String name) throws Exception {
    Optional<MirrorSources.Found> found = sources.find(name);
    if (found.isEmpty() || found.get().object().deleting()) {
      removeObjectsOf(name);
      mirrorsChanged.run();
      return Result.done();
    }
    KubeObject cr = found.get().object();
    Parsed<RegistryMirrorSpec> parsed = sources.parse(cr);
    if (!parsed.isValid()) {
      notReady(found.get(), "InvalidSpec", parsed.message());
      mirrorsChanged.run();
      return Result.done();
    }
    RegistryMirrorSpec spec = parsed.get();
    Optional<KubeObject> credentials = Optional.empty();
    if (spec.credentialsSecret().isPresent()) {
      credentials = controllerSecrets.get(namespace, spec.credentialsSecret().get());
      List<String> problems =
          RegistryMirrorSpecParser.credentialsProblems(
              spec, namespace, credentials.map(KubeObject::node).orElse(null));
      if (!problems.isEmpty()) {
        notReady(found.get(), "CredentialsInvalid", String.join("; ", problems));
        return Result.done(); // the Secret's change queues this mirror again
      }
    }
    boolean reconciledBefore = cr.node().path("status").has("observedGeneration");

    Applied service =
        apply(cr, ApiResource.SERVICES, renderer.service(spec, namespace), reconciledBefore);
    String clusterIp = service.object().node().path("spec").path("clusterIP").asText("");
    if (clusterIp.isEmpty() || "None".equals(clusterIp)) {
      throw new KubeException(0, "Service " + spec.serviceName() + " has no ClusterIP yet");
    }

    CertificateAuthority ca =
        authority.get(controllerSecrets.get(namespace, ClusterAuthority.SECRET_NAME));
    CertificateNames names = renderer.certificateNames(spec, namespace, clusterIp);
    Optional<KubeObject> storedSecret =
        owned.get(ApiResource.SECRETS, namespace, spec.tlsSecretName());
    Optional<IssuedCertificate> stored = storedLeaf(storedSecret);
    Optional<String> reissue =
        LeafDecision.reissueReason(
            stored, ca, names.dnsNames(), names.ipAddresses(), clock.instant());
    IssuedCertificate leaf;
    if (reissue.isPresent()) {
      leaf = ca.issue(names.leafSpec(LEAF_VALIDITY));
      log.info(
          "issuing a mirror certificate",
          StructuredArguments.keyValue("registryMirror", spec.name()),
          StructuredArguments.keyValue("reason", reissue.get()),
          StructuredArguments.keyValue("dnsNames", names.dnsNames()),
          StructuredArguments.keyValue("ipAddresses", names.ipAddresses()));
    } else {
      leaf = stored.get();
    }
    apply(
        cr,
        ApiResource.SECRETS,
        renderer.tlsSecret(
            spec, namespace, leaf.certificateChainPem(), leaf.privateKeyPem(), authority.pem()),
        reconciledBefore);
    if (reissue.isPresent() && stored.isPresent()) {
      events.normal(cr, "CertificateIssued", "Issued a new serving certificate: " + reissue.get());
    }
    apply(cr, ApiResource.CONFIG_MAPS, renderer.configMap(spec, namespace), reconciledBefore);
    apply(cr, ApiResource.SERVICES, renderer.headlessService(spec, namespace), reconciledBefore);
    Applied statefulSet =
        apply(
            cr,
            ApiResource.STATEFUL_SETS,
            renderer.statefulSet(spec, namespace, leaf.certificatePem(), digest(credentials)),
            reconciledBefore);

    int readyReplicas = statefulSet.object().node().path("status").path("readyReplicas").asInt(0);
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    fields.put("address", clusterIp);
    fields.put(
        "endpoint",
        "https://" + (clusterIp.contains(":") ? "[" + clusterIp + "]" : clusterIp) + ":443");
    fields.put("caFingerprint", authority.fingerprint());
    fields.put("readyReplicas", readyReplicas);
    boolean ready = readyReplicas >= 1;
    Condition condition =
        ready
            ? new Condition(
                "Ready",
                true,
                "ProxyReady",
                readyReplicas + " of " + spec.replicas() + " replicas ready at " + clusterIp)
            : new Condition(
                "Ready",
                false,
                "ProxyNotReady",
                "0 of "
                    + spec.replicas()
                    + " replicas ready; nodes fall back to "
                    + spec.upstream()
                    + " meanwhile");
    writeStatus(found.get(), fields, condition);
    mirrorsChanged.run();
    Duration untilRenewal =
        Duration.between(clock.instant(), RenewalPolicy.forLeaves().renewAt(leaf.certificate()));
    return Result.after(untilRenewal.isNegative() ? Duration.ofSeconds(1) : untilRenewal);
  }

  private Applied apply(KubeObject cr, ApiResource kind, ObjectNode rendered, boolean existed)
      throws KubeException {
    DesiredObject desired = DesiredObject.of(rendered);
    Applied applied =
        applier.apply(kind, desired, owned.get(kind, desired.namespace(), desired.name()), existed);
    if (applied.change().wrote()) {
      String what = kind.kind() + " " + desired.namespace() + "/" + desired.name();
      switch (applied.change()) {
        case CREATED -> events.normal(cr, "Created", "Created " + what);
        case UPDATED -> events.normal(cr, "Updated", "Updated " + what);
        case REPAIRED ->
            events.warning(
                cr, "Repaired", what + " was edited or deleted by someone else; restored");
        default -> {}
      }
      log.info(
          "applied",
          StructuredArguments.keyValue("registryMirror", cr.name()),
          StructuredArguments.keyValue("object", what),
          StructuredArguments.keyValue("change", applied.change()));
    }
    return applied;
  }

  private void notReady(MirrorSources.Found found, String reason, String message)
      throws KubeException {
    KubeObject cr = found.object();
    boolean news = !message.equals(OwnerStatus.readyMessage(cr));
    writeStatus(
        found,
        JsonNodeFactory.instance.objectNode(),
        new Condition("Ready", false, reason, message));
    if (news || !found.hasStatus()) {
      events.warning(cr, reason, message);
      log.warn(
          "registry mirror not reconciled",
          StructuredArguments.keyValue("registryMirror", cr.name()),
          StructuredArguments.keyValue("reason", reason),
          StructuredArguments.keyValue("message", message));
    }
  }

  private void writeStatus(MirrorSources.Found found, ObjectNode fields, Condition condition)
      throws KubeException {
    if (found.hasStatus()) {
      status.update(found.resource(), found.object(), fields, condition);
    }
  }

  /** Deletes every object the named mirror owned (not the PVCs of its StatefulSet). */
  private void removeObjectsOf(String name) throws KubeException {
    for (ApiResource kind :
        List.of(
            ApiResource.STATEFUL_SETS,
            ApiResource.SERVICES,
            ApiResource.CONFIG_MAPS,
            ApiResource.SECRETS)) {
      for (KubeObject object : owned.list(kind)) {
        if (ownedBy(object, name)) {
          if (writes.delete(kind, object.namespace(), object.name(), object.uid())) {
            log.info(
                "deleted",
                StructuredArguments.keyValue("registryMirror", name),
                StructuredArguments.keyValue(
                    "object", kind.kind() + " " + object.namespace() + "/" + object.name()),
                StructuredArguments.keyValue("reason", "the RegistryMirror is gone"));
          }
        }
      }
    }
  }

  /** Whether {@code object} belongs to the RegistryMirror {@code name}. */
  static boolean ownedBy(KubeObject object, String name) {
    return object.ownerName(RegistryMirrorSpecParser.KIND).map(name::equals).orElse(false);
  }

  private static Optional<IssuedCertificate> storedLeaf(Optional<KubeObject> secret) {
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    JsonNode data = secret.get().node().path("data");
    try {
      return Optional.of(
          IssuedCertificate.fromPem(decode(data.path("tls.crt")), decode(data.path("tls.key"))));
    } catch (CertificateException | IllegalArgumentException e) {
      return Optional.empty(); // reissued
    }
  }

  private static String decode(JsonNode value) {
    return new String(Base64.getDecoder().decode(value.asText("")), StandardCharsets.UTF_8);
  }

  /** Changes whenever the credentials Secret's data changes (so a new password rolls the pods). */
  private static String digest(Optional<KubeObject> secret) {
    if (secret.isEmpty()) {
      return "";
    }
    try {
      byte[] data = secret.get().node().path("data").toString().getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
