package dev.mirrorgate.webhook.ui.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import dev.mirrorgate.webhook.mirror.RegistryMirrorSpec;
import dev.mirrorgate.webhook.owned.Parsed;
import dev.mirrorgate.webhook.registry.RegistrySources;
import dev.mirrorgate.webhook.registry.RegistrySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The RegistryMirrors and Registries the controllers manage, read from their informers, with each
 * one's readiness and the expiry of its serving certificate.
 */
public final class ClusterObjects {
  private final MirrorSources mirrors;
  private final RegistrySources registries;
  private final CertificateExpiry expiry;
  private final String namespace;

  /**
   * @param namespace the controller's namespace (where the mirrors' objects live)
   */
  public ClusterObjects(
      MirrorSources mirrors,
      RegistrySources registries,
      CertificateExpiry expiry,
      String namespace) {
    this.mirrors = mirrors;
    this.registries = registries;
    this.expiry = expiry;
    this.namespace = namespace;
  }

  /** Every RegistryMirror, by name. */
  public List<MirrorView> mirrors() {
    List<MirrorView> out = new ArrayList<>();
    for (MirrorSources.Found found : mirrors.all().values()) {
      KubeObject cr = found.object();
      JsonNode spec = cr.node().path("spec");
      JsonNode status = cr.node().path("status");
      Parsed<RegistryMirrorSpec> parsed = mirrors.parse(cr);
      String upstream = text(spec, "upstream", text(spec, "upstreamUrl", null));
      String masquerade = null;
      String mode = null;
      int replicas = spec.path("replicas").asInt(1);
      String certificate = null;
      if (parsed.isValid()) {
        RegistryMirrorSpec s = parsed.get();
        upstream = s.upstream();
        masquerade = s.hasMasquerade() ? s.masquerade() : null;
        mode = s.mode().name().toLowerCase(Locale.ROOT);
        replicas = s.replicas();
        certificate = instant(expiry.notAfter(namespace, s.tlsSecretName()));
      }
      Condition ready = Condition.ready(status, parsed);
      out.add(
          new MirrorView(
              cr.name(),
              cr.getApiVersion(),
              upstream,
              masquerade,
              mode,
              text(status, "address", null),
              text(status, "endpoint", null),
              text(status, "caFingerprint", null),
              status.path("readyReplicas").asInt(0),
              replicas,
              ready.status(),
              ready.reason(),
              ready.message(),
              certificate));
    }
    out.sort(Comparator.comparing(MirrorView::name));
    return out;
  }

  /** Every Registry, by namespace and name. */
  public List<RegistryView> registries() {
    List<RegistryView> out = new ArrayList<>();
    for (KubeObject cr : registries.all()) {
      JsonNode status = cr.node().path("status");
      Parsed<RegistrySpec> parsed = registries.parse(cr);
      String nodeLocal = null;
      String certificate = null;
      if (parsed.isValid()) {
        RegistrySpec s = parsed.get();
        nodeLocal =
            s.nodeLocalPort().isPresent() ? "localhost:" + s.nodeLocalPort().getAsInt() : null;
        certificate = instant(expiry.notAfter(cr.namespace(), s.tlsSecretName()));
      }
      Condition ready = Condition.ready(status, parsed);
      out.add(
          new RegistryView(
              cr.namespace(),
              cr.name(),
              text(status, "endpoint", null),
              text(status, "address", null),
              text(status, "caFingerprint", null),
              nodeLocal,
              ready.status(),
              ready.reason(),
              ready.message(),
              certificate));
    }
    out.sort(Comparator.comparing(RegistryView::namespace).thenComparing(RegistryView::name));
    return out;
  }

  /** The Ready condition, or what an invalid spec says. */
  private record Condition(String status, String reason, String message) {
    static Condition ready(JsonNode status, Parsed<?> parsed) {
      for (JsonNode c : status.path("conditions")) {
        if ("Ready".equals(c.path("type").asText())) {
          return new Condition(
              c.path("status").asText("Unknown"),
              text(c, "reason", null),
              text(c, "message", null));
        }
      }
      if (!parsed.isValid()) {
        return new Condition("False", "InvalidSpec", String.join("; ", parsed.errors()));
      }
      return new Condition("Unknown", null, "not reconciled yet");
    }
  }

  private static String text(JsonNode node, String field, String otherwise) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? otherwise : value.asText();
  }

  private static String instant(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }
}
