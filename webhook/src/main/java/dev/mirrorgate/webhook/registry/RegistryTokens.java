package dev.mirrorgate.webhook.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.deploy.intake.WebhookTokenSecret;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The Registries' keys in Secret {@value #SECRET_NAME} (every key is a token the push intake
 * accepts): one key per Registry, {@code registry-<namespace>-<name>}, added and removed with JSON
 * merge patches so the keys users keep there for other registries (and rotation) are never touched.
 */
public final class RegistryTokens {
  public static final String SECRET_NAME = WebhookTokenSecret.NAME;

  private final KubeRest writes;
  private final String namespace;

  public RegistryTokens(KubeRest writes, String namespace) {
    this.writes = writes;
    this.namespace = namespace;
  }

  /** The key a Registry's token is kept under. */
  public static String key(String registryNamespace, String registryName) {
    return "registry-" + registryNamespace + "-" + registryName;
  }

  /** Makes {@code key} hold {@code token}, creating the Secret when it does not exist. */
  public void ensure(Optional<KubeObject> current, String key, String token) throws KubeException {
    String encoded = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    if (current.isPresent()
        && encoded.equals(current.get().node().path("data").path(key).asText(null))) {
      return;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("data").put(key, encoded);
    try {
      writes.mergePatch(ApiResource.SECRETS, namespace, SECRET_NAME, patch);
    } catch (KubeException e) {
      if (!e.notFound()) {
        throw e;
      }
      ObjectNode secret = JsonNodeFactory.instance.objectNode();
      secret.put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
      secret
          .putObject("metadata")
          .put("name", SECRET_NAME)
          .put("namespace", namespace)
          .putObject("labels")
          .put("app.kubernetes.io/part-of", "mirrorgate");
      secret.putObject("data").put(key, encoded);
      try {
        writes.create(ApiResource.SECRETS, secret);
      } catch (KubeException raced) {
        if (!raced.conflict()) {
          throw raced;
        }
        writes.mergePatch(ApiResource.SECRETS, namespace, SECRET_NAME, patch);
      }
    }
  }

  /** Removes {@code key} (nothing when the Secret or the key is gone). */
  public void remove(Optional<KubeObject> current, String key) throws KubeException {
    if (current.isEmpty() || !current.get().node().path("data").has(key)) {
      return;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("data").putNull(key);
    try {
      writes.mergePatch(ApiResource.SECRETS, namespace, SECRET_NAME, patch);
    } catch (KubeException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
  }
}
