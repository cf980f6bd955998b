package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The pieces of a registry pod that caching proxies and push registries share: the restricted
 * security context (Pod Security {@code restricted}: non-root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, read-only root filesystem), the HTTPS port, probes
 * and volume mounts.
 */
public final class PodParts {
  /** The user and group the registry runs as; the PVC is made group-writable for it. */
  public static final int RUN_AS = 65532;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PodParts() {}

  /** The pod template's metadata: labels and the config hash annotation. */
  public static ObjectNode templateMetadata(Map<String, String> labels, String configHash) {
    ObjectNode metadata = NODES.objectNode();
    metadata.set("labels", OwnedObject.map(labels));
    metadata.putObject("annotations").put(OwnedObject.CONFIG_HASH, configHash);
    return metadata;
  }

  /** A pod spec without containers: no service account token, no service links, non-root. */
  public static ObjectNode podSpec() {
    ObjectNode spec = NODES.objectNode();
    spec.put("automountServiceAccountToken", false);
    spec.put("enableServiceLinks", false);
    ObjectNode security = spec.putObject("securityContext");
    security.put("runAsNonRoot", true);
    security.put("runAsUser", RUN_AS);
    security.put("runAsGroup", RUN_AS);
    security.put("fsGroup", RUN_AS);
    security.putObject("seccompProfile").put("type", "RuntimeDefault");
    return spec;
  }

  /**
   * The registry container: {@code args} name the config file (the distribution images' entrypoint
   * runs {@code registry serve <file>} for a {@code *.yml} argument), HTTPS on {@link
   * RegistryLayout#CONTAINER_PORT}, probes on {@code probePath} over HTTPS.
   */
  public static ObjectNode registryContainer(
      String image, RegistryLayout layout, String probePath) {
    ObjectNode container = NODES.objectNode();
    container.put("name", "registry");
    container.put("image", image);
    container.putArray("args").add(layout.configFile());
    ObjectNode port = container.putArray("ports").addObject();
    port.put("name", "https");
    port.put("containerPort", RegistryLayout.CONTAINER_PORT);
    port.put("protocol", "TCP");
    container.set("readinessProbe", probe(probePath, 5, 3));
    container.set("livenessProbe", probe(probePath, 20, 6));
    ObjectNode security = container.putObject("securityContext");
    security.put("allowPrivilegeEscalation", false);
    security.put("readOnlyRootFilesystem", true);
    security.putObject("capabilities").putArray("drop").add("ALL");
    return container;
  }

  private static ObjectNode probe(String path, int periodSeconds, int failureThreshold) {
    ObjectNode probe = NODES.objectNode();
    ObjectNode get = probe.putObject("httpGet");
    get.put("path", path);
    get.put("port", "https");
    get.put("scheme", "HTTPS");
    probe.put("periodSeconds", periodSeconds);
    probe.put("timeoutSeconds", 3);
    probe.put("failureThreshold", failureThreshold);
    return probe;
  }

  /** Adds a mount of volume {@code name} at {@code path} to the container. */
  public static void mount(ObjectNode container, String name, String path, boolean readOnly) {
    ArrayNode mounts =
        container.has("volumeMounts")
            ? (ArrayNode) container.get("volumeMounts")
            : container.putArray("volumeMounts");
    ObjectNode mount = mounts.addObject();
    mount.put("name", name);
    mount.put("mountPath", path);
    if (readOnly) {
      mount.put("readOnly", true);
    }
  }

  /** A volume of Secret {@code secretName}, readable by the registry's group only. */
  public static ObjectNode secretVolume(String name, String secretName) {
    ObjectNode volume = NODES.objectNode();
    volume.put("name", name);
    ObjectNode secret = volume.putObject("secret");
    secret.put("secretName", secretName);
    secret.put("defaultMode", 0440);
    return volume;
  }

  /** An emptyDir for {@code /tmp}: the root filesystem is read-only. */
  public static ObjectNode tmpVolume() {
    ObjectNode volume = NODES.objectNode();
    volume.put("name", "tmp");
    volume.putObject("emptyDir").put("sizeLimit", "64Mi");
    return volume;
  }

  /** An env variable from a key of a Secret. */
  public static ObjectNode secretEnv(String name, String secret, String key) {
    ObjectNode env = NODES.objectNode();
    env.put("name", name);
    ObjectNode ref = env.putObject("valueFrom").putObject("secretKeyRef");
    ref.put("name", secret);
    ref.put("key", key);
    return env;
  }

  /** An env variable with a value. */
  public static ObjectNode env(String name, String value) {
    ObjectNode env = NODES.objectNode();
    env.put("name", name);
    env.put("value", value);
    return env;
  }
}
