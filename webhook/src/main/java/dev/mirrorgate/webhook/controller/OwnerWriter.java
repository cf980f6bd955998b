package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.webhook.controller.Applier.Applied;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.owned.CertificateNames;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every owner's reconcile does with its objects: apply each (an Event on the owner and a log
 * line for every change), keep or issue its serving leaf, and delete what it owned once it is gone.
 * One instance per controller.
 */
public final class OwnerWriter {
  private static final Logger log = LoggerFactory.getLogger(OwnerWriter.class);
  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);

  private final String controller;
  private final OwnedInformers owned;
  private final Applier applier;
  private final KubeRest writes;
  private final EventSink events;
  private final Clock clock;
  private final SoundLeaves soundLeaves = new SoundLeaves();

  public OwnerWriter(
      String controller,
      OwnedInformers owned,
      KubeRest writes,
      ControllerMetrics metrics,
      EventSink events,
      Clock clock) {
    this.controller = controller;
    this.owned = owned;
    this.applier = new Applier(writes, metrics, controller);
    this.writes = writes;
    this.events = events;
    this.clock = clock;
  }

  /** The API server refused an owned object as rendered (422): reported on the owner. */
  public static final class Rejected extends KubeException {
    public Rejected(String message) {
      super(422, message);
    }
  }

  /**
   * Applies {@code rendered} for {@code owner}.
   *
   * @param reconciledBefore whether the owner's status shows an earlier reconcile (a missing object
   *     is then a deletion to repair)
   */
  public Applied apply(
      KubeObject owner, ApiResource kind, ObjectNode rendered, boolean reconciledBefore)
      throws KubeException {
    DesiredObject desired = DesiredObject.of(rendered);
    Optional<KubeObject> observed = owned.get(kind, desired.namespace(), desired.name());
    Applied applied;
    try {
      applied = applier.apply(kind, desired, observed, reconciledBefore);
    } catch (KubeException e) {
      if (e.status() != 422) {
        throw e;
      }
      throw new Rejected(
          kind.kind()
              + " "
              + desired.namespace()
              + "/"
              + desired.name()
              + ": "
              + e.getMessage()
              + (observed.isEmpty()
                  ? " (an object of that name exists that mirrorgate does not manage, e.g."
                      + " mirror-operator's: delete it to let mirrorgate take over; PVCs are kept)"
                  : ""));
    }
    if (applied.change().wrote()) {
      String what = kind.kind() + " " + desired.namespace() + "/" + desired.name();
      switch (applied.change()) {
        case CREATED -> events.normal(owner, "Created", "Created " + what);
        case UPDATED -> events.normal(owner, "Updated", "Updated " + what);
        case REPAIRED ->
            events.warning(
                owner, "Repaired", what + " was edited or deleted by someone else; restored");
        default -> {}
      }
      log.info(
          "applied",
          StructuredArguments.keyValue("controller", controller),
          StructuredArguments.keyValue("owner", owner.key()),
          StructuredArguments.keyValue("object", what),
          StructuredArguments.keyValue("change", applied.change()));
    }
    return applied;
  }

  /**
   * The serving leaf stored in {@code secret} ({@code tls.crt}, {@code tls.key}) when it still
   * names everything in {@code names}, comes from {@code ca} and is not due; else a new one (with
   * an Event on the owner when it replaces one).
   */
  public IssuedCertificate leaf(
      KubeObject owner,
      Optional<KubeObject> secret,
      CertificateAuthority ca,
      CertificateNames names) {
    String crt = secret.map(s -> decode(s.node().path("data").path("tls.crt"))).orElse("");
    String key = secret.map(s -> decode(s.node().path("data").path("tls.key"))).orElse("");
    boolean verified = secret.isPresent() && soundLeaves.contains(owner.key(), crt, key, ca);
    Optional<IssuedCertificate> stored =
        secret.isEmpty() ? Optional.empty() : parse(crt, key, verified);
    Optional<String> reissue =
        LeafDecision.reissueReason(
            stored, ca, verified, names.dnsNames(), names.ipAddresses(), clock.instant());
    if (reissue.isEmpty()) {
      if (!verified) {
        soundLeaves.add(owner.key(), crt, key, ca);
      }
      return stored.get();
    }
    IssuedCertificate leaf = ca.issue(names.leafSpec(LEAF_VALIDITY));
    soundLeaves.add(owner.key(), leaf.certificateChainPem(), leaf.privateKeyPem(), ca);
    log.info(
        "issuing a serving certificate",
        StructuredArguments.keyValue("controller", controller),
        StructuredArguments.keyValue("owner", owner.key()),
        StructuredArguments.keyValue("reason", reissue.get()),
        StructuredArguments.keyValue("dnsNames", names.dnsNames()),
        StructuredArguments.keyValue("ipAddresses", names.ipAddresses()));
    if (stored.isPresent()) {
      events.normal(
          owner, "CertificateIssued", "Issued a new serving certificate: " + reissue.get());
    }
    return leaf;
  }

  /** Deletes every object of {@code kinds} that {@code ownedBy} accepts. */
  public void removeAll(List<ApiResource> kinds, Predicate<KubeObject> ownedBy, String owner)
      throws KubeException {
    soundLeaves.remove(owner);
    for (ApiResource kind : kinds) {
      for (KubeObject object : owned.list(kind)) {
        if (ownedBy.test(object)
            && writes.delete(kind, object.namespace(), object.name(), object.uid())) {
          log.info(
              "deleted",
              StructuredArguments.keyValue("controller", controller),
              StructuredArguments.keyValue("owner", owner),
              StructuredArguments.keyValue(
                  "object", kind.kind() + " " + object.namespace() + "/" + object.name()),
              StructuredArguments.keyValue("reason", "its owner is gone"));
        }
      }
    }
  }

  /** The stored leaf; its key match is checked unless {@code verified} says it was before. */
  private static Optional<IssuedCertificate> parse(String crt, String key, boolean verified) {
    try {
      return Optional.of(
          verified
              ? IssuedCertificate.fromCheckedPem(crt, key)
              : IssuedCertificate.fromPem(crt, key));
    } catch (CertificateException | IllegalArgumentException e) {
      return Optional.empty(); // reissued
    }
  }

  /** A Secret data value as text. */
  public static String decode(JsonNode value) {
    return new String(Base64.getDecoder().decode(value.asText("")), StandardCharsets.UTF_8);
  }
}
