package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.RenewalPolicy;
import dev.mirrorgate.webhook.controller.Applier.Applied;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.Conditions.Condition;
import dev.mirrorgate.webhook.controller.EventSink;
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
import java.time.Clock;
import java.time.Duration;
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
  private static final List<ApiResource> OWNED_KINDS =
      List.of(
          ApiResource.STATEFUL_SETS,
          ApiResource.SERVICES,
          ApiResource.CONFIG_MAPS,
          ApiResource.SECRETS);

  private final MirrorSources sources;
  private final Informer controllerSecrets;
  private final OwnerWriter writer;
  private final OwnerStatus status;
  private final EventSink events;
  private final ClusterAuthority authority;
  private final RegistryMirrorRenderer renderer;
  private final String namespace;
  private final Clock clock;
  private final Runnable mirrorsChanged;

  public RegistryMirrorReconciler(
      MirrorSources sources,
      Informer controllerSecrets,
      OwnerWriter writer,
      KubeRest writes,
      EventSink events,
      ClusterAuthority authority,
      RegistryMirrorRenderer renderer,
      String namespace,
      Clock clock,
      Runnable mirrorsChanged) {
    this.sources = sources;
    this.controllerSecrets = controllerSecrets;
    this.writer = writer;
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
      writer.removeAll(OWNED_KINDS, object -> ownedBy(object, name), name);
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
    Optional<String> earlier = sources.earlierMirrorOf(cr, spec);
    if (earlier.isPresent()) {
      notReady(
          found.get(),
          "UpstreamConflict",
          "spec.upstream: RegistryMirror "
              + earlier.get()
              + " already mirrors "
              + spec.upstream()
              + "; nodes can use one mirror per upstream");
      return Result.done();
    }
    try {
      return converge(found.get(), spec, credentials);
    } catch (OwnerWriter.Rejected e) {
      notReady(found.get(), "ApplyRejected", e.getMessage());
      return Result.after(Duration.ofMinutes(1));
    }
  }

  private Result converge(
      MirrorSources.Found found, RegistryMirrorSpec spec, Optional<KubeObject> credentials)
      throws Exception {
    KubeObject cr = found.object();
    boolean before = cr.node().path("status").has("observedGeneration");

    Applied service =
        writer.apply(cr, ApiResource.SERVICES, renderer.service(spec, namespace), before);
    String clusterIp = service.object().node().path("spec").path("clusterIP").asText("");
    if (clusterIp.isEmpty() || "None".equals(clusterIp)) {
      throw new KubeException(0, "Service " + spec.serviceName() + " has no ClusterIP yet");
    }
    CertificateAuthority ca =
        authority.get(controllerSecrets.get(namespace, ClusterAuthority.SECRET_NAME));
    IssuedCertificate leaf =
        writer.leaf(
            cr,
            controllerSecrets.get(namespace, spec.tlsSecretName()),
            ca,
            renderer.certificateNames(spec, namespace, clusterIp));
    writer.apply(
        cr,
        ApiResource.SECRETS,
        renderer.tlsSecret(
            spec, namespace, leaf.certificateChainPem(), leaf.privateKeyPem(), authority.pem()),
        before);
    writer.apply(cr, ApiResource.CONFIG_MAPS, renderer.configMap(spec, namespace), before);
    writer.apply(cr, ApiResource.SERVICES, renderer.headlessService(spec, namespace), before);
    Applied statefulSet =
        writer.apply(
            cr,
            ApiResource.STATEFUL_SETS,
            renderer.statefulSet(spec, namespace, leaf.certificatePem(), digest(credentials)),
            before);

    int readyReplicas = statefulSet.object().node().path("status").path("readyReplicas").asInt(0);
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    fields.put("address", clusterIp);
    fields.put("endpoint", renderer.mirrorsEntry(spec, clusterIp, "").endpoint().toString());
    fields.put("caFingerprint", authority.fingerprint());
    fields.put("readyReplicas", readyReplicas);
    Condition condition =
        readyReplicas >= 1
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
    writeStatus(found, fields, condition);
    mirrorsChanged.run();
    Duration untilRenewal =
        Duration.between(clock.instant(), RenewalPolicy.forLeaves().renewAt(leaf.certificate()));
    return Result.after(untilRenewal.isNegative() ? Duration.ofSeconds(1) : untilRenewal);
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

  /** Whether {@code object} belongs to the RegistryMirror {@code name}. */
  static boolean ownedBy(KubeObject object, String name) {
    return object.ownerName(RegistryMirrorSpecParser.KIND).map(name::equals).orElse(false);
  }

  /** Changes whenever the credentials Secret's data changes (so a new password rolls the pods). */
  static String digest(Optional<KubeObject> secret) {
    return secret.map(s -> ContentHash.of(s.node().path("data").toString())).orElse("");
  }
}
