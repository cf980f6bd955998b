package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.Fingerprints;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mirrorgate's CA for the mirrors and registries it runs: kept in Secret {@value #SECRET_NAME} of
 * the controller namespace ({@code ca.crt}, {@code ca.key}), created once by the first leader
 * (create-if-absent: a replica that loses the race adopts the winner's) and shared by every
 * replica. Every mirror and registry leaf is issued by it and every node trusts it through the
 * {@code caBundle} of its mirrors entry. Valid ten years; rotating it is not automated yet.
 */
public final class ClusterAuthority {
  private static final Logger log = LoggerFactory.getLogger(ClusterAuthority.class);
  public static final String SECRET_NAME = "mirrorgate-ca";
  static final Duration VALIDITY = Duration.ofDays(3650);

  private final KubeRest reads;
  private final KubeRest writes;
  private final String namespace;
  private final Clock clock;
  private volatile Loaded loaded;

  private record Loaded(String resourceVersion, CertificateAuthority ca, String pem) {}

  public ClusterAuthority(KubeRest reads, KubeRest writes, String namespace, Clock clock) {
    this.reads = reads;
    this.writes = writes;
    this.namespace = namespace;
    this.clock = clock;
  }

  /**
   * The CA, from {@code cached} (the Secret as an informer holds it, if it does) or the API;
   * created when it does not exist yet.
   *
   * @throws KubeException when the API cannot be read or written
   * @throws CertificateException when the Secret holds something that is not a CA with its key
   */
  public synchronized CertificateAuthority get(Optional<KubeObject> cached)
      throws KubeException, CertificateException {
    Optional<KubeObject> secret =
        cached.isPresent() ? cached : reads.get(ApiResource.SECRETS, namespace, SECRET_NAME);
    if (secret.isEmpty()) {
      return create();
    }
    KubeObject found = secret.get();
    Loaded current = loaded;
    if (current != null && current.resourceVersion().equals(found.resourceVersion())) {
      return current.ca();
    }
    JsonNode data = found.node().path("data");
    String certificate = decode(data.path("ca.crt"));
    CertificateAuthority ca =
        CertificateAuthority.load(certificate, decode(data.path("ca.key")), clock);
    loaded = new Loaded(found.resourceVersion(), ca, ca.certificatePem());
    return ca;
  }

  /** The CA certificate as PEM, after a successful {@link #get}. */
  public String pem() {
    Loaded current = loaded;
    if (current == null) {
      throw new IllegalStateException("the CA has not been loaded");
    }
    return current.pem();
  }

  /** SHA-256 fingerprint of the CA certificate, after a successful {@link #get}. */
  public String fingerprint() {
    Loaded current = loaded;
    if (current == null) {
      throw new IllegalStateException("the CA has not been loaded");
    }
    return Fingerprints.sha256(current.ca().certificate());
  }

  private CertificateAuthority create() throws KubeException, CertificateException {
    CertificateAuthority ca =
        CertificateAuthority.create("mirrorgate mirror CA", VALIDITY, KeyAlgorithm.EC_P256, clock);
    ObjectNode secret = JsonNodeFactory.instance.objectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    ObjectNode metadata = secret.putObject("metadata");
    metadata.put("name", SECRET_NAME).put("namespace", namespace);
    metadata
        .putObject("labels")
        .put("app.kubernetes.io/managed-by", "mirrorgate")
        .put("app.kubernetes.io/part-of", "mirrorgate")
        .put("app.kubernetes.io/component", "certificate-authority");
    secret.put("type", "Opaque");
    secret
        .putObject("data")
        .put("ca.crt", encode(ca.certificatePem()))
        .put("ca.key", encode(ca.privateKeyPem()));
    try {
      KubeObject created = writes.create(ApiResource.SECRETS, secret);
      log.info(
          "created mirrorgate's mirror CA in Secret {}/{} ({})",
          namespace,
          SECRET_NAME,
          Fingerprints.sha256(ca.certificate()));
      loaded = new Loaded(created.resourceVersion(), ca, ca.certificatePem());
      return ca;
    } catch (KubeException e) {
      if (!e.conflict()) {
        throw e;
      }
      return get(reads.get(ApiResource.SECRETS, namespace, SECRET_NAME)); // another replica won
    }
  }

  private static String decode(JsonNode value) throws CertificateException {
    if (!value.isTextual()) {
      throw new CertificateException(
          "Secret " + SECRET_NAME + " lacks ca.crt or ca.key: delete it to have a new CA made");
    }
    return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
