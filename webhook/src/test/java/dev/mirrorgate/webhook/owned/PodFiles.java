package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Does for a registry run outside Kubernetes what the kubelet does for the rendered pod: writes
 * each mounted Secret and ConfigMap into its mountPath (honouring {@code items}), creates the
 * directories of PVC and emptyDir mounts, and resolves the container's env, {@code secretKeyRef}
 * included. The workload must have been rendered with a layout under a test directory.
 */
public final class PodFiles {
  private final JsonNode workload;
  private final JsonNode podSpec;
  private final JsonNode container;
  private final Map<String, JsonNode> objects = new LinkedHashMap<>();

  /** The first container of {@code workload}'s pod template. */
  public PodFiles(JsonNode workload) {
    this.workload = workload;
    this.podSpec = workload.at("/spec/template/spec");
    this.container = podSpec.path("containers").path(0);
  }

  /** Makes a Secret or ConfigMap (rendered, or one a user would create) available to mounts. */
  public PodFiles with(JsonNode object) {
    objects.put(object.path("kind").asText() + "/" + object.at("/metadata/name").asText(), object);
    return this;
  }

  /** The config file the container's args name. */
  public Path configFile() {
    return Path.of(container.at("/args/0").asText());
  }

  /** Writes every mount; a mount of an object not given is an error. */
  public void mount() throws IOException {
    for (JsonNode mount : container.path("volumeMounts")) {
      Path target = Path.of(mount.path("mountPath").asText());
      if (target.toString().equals("/tmp")) {
        continue;
      }
      Files.createDirectories(target);
      if (claimTemplate(mount.path("name").asText())) {
        continue;
      }
      JsonNode volume = volume(mount.path("name").asText());
      if (volume.has("secret")) {
        write(
            target,
            data(object("Secret", volume.at("/secret/secretName").asText()), true),
            volume.at("/secret/items"));
      } else if (volume.has("configMap")) {
        write(
            target,
            data(object("ConfigMap", volume.at("/configMap/name").asText()), false),
            volume.at("/configMap/items"));
      } else if (!volume.has("persistentVolumeClaim") && !volume.has("emptyDir")) {
        throw new AssertionError("volume " + volume + " is not one the registry pod may use");
      }
    }
  }

  /** The container's environment, {@code secretKeyRef} values read from the given Secrets. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      if (variable.has("value")) {
        env.put(name, variable.path("value").asText());
      } else {
        JsonNode ref = variable.at("/valueFrom/secretKeyRef");
        Map<String, String> data = data(object("Secret", ref.path("name").asText()), true);
        String key = ref.path("key").asText();
        if (!data.containsKey(key)) {
          throw new AssertionError("Secret " + ref.path("name") + " has no key " + key);
        }
        env.put(name, data.get(key));
      }
    }
    return env;
  }

  /** The decoded data of a Secret (base64 {@code data}) or ConfigMap ({@code data}). */
  public static Map<String, String> data(JsonNode object, boolean base64) {
    Map<String, String> data = new LinkedHashMap<>();
    object
        .path("data")
        .properties()
        .forEach(
            e ->
                data.put(
                    e.getKey(),
                    base64
                        ? new String(
                            Base64.getDecoder().decode(e.getValue().asText()),
                            StandardCharsets.UTF_8)
                        : e.getValue().asText()));
    return data;
  }

  private boolean claimTemplate(String name) {
    for (JsonNode template : workload.at("/spec/volumeClaimTemplates")) {
      if (template.at("/metadata/name").asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private JsonNode volume(String name) {
    for (JsonNode volume : podSpec.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name + " for mount in " + podSpec.path("volumes"));
  }

  private JsonNode object(String kind, String name) {
    JsonNode object = objects.get(kind + "/" + name);
    if (object == null) {
      throw new AssertionError("no " + kind + " " + name + " given; have " + objects.keySet());
    }
    return object;
  }

  private static void write(Path dir, Map<String, String> data, JsonNode items) throws IOException {
    if (items.isArray() && !items.isEmpty()) {
      for (JsonNode item : items) {
        String key = item.path("key").asText();
        if (!data.containsKey(key)) {
          throw new AssertionError("no key " + key + " to project; have " + data.keySet());
        }
        Files.writeString(dir.resolve(item.path("path").asText()), data.get(key));
      }
      return;
    }
    for (Map.Entry<String, String> e : data.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
  }

  /** The directories of a layout under {@code root}, listening on 127.0.0.1:{@code port}. */
  public static RegistryLayout layout(Path root, int port) {
    return new RegistryLayout(
        "127.0.0.1:" + port,
        root.resolve("config").toString(),
        root.resolve("tls").toString(),
        root.resolve("data").toString(),
        root.resolve("auth").toString());
  }
}
