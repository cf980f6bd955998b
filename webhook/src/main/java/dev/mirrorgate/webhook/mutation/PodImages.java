package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Finds every image of a Pod, with its JSON Pointer, the way the patch will address it. */
public final class PodImages {
  /** The container lists of a Pod spec, in the order they are reported. */
  public static final List<String> ALL_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  /** Only the list that the {@code pods/ephemeralcontainers} subresource may change. */
  public static final List<String> EPHEMERAL_ONLY = List.of("ephemeralContainers");

  private PodImages() {}

  /** The image fields of {@code pod} in the given container lists; non-text images are skipped. */
  public static List<ImageSite> find(JsonNode pod, List<String> lists) {
    JsonNode spec = pod.path("spec");
    List<ImageSite> sites = new ArrayList<>(4);
    for (String list : lists) {
      JsonNode containers = spec.path(list);
      for (int i = 0; i < containers.size(); i++) {
        JsonNode container = containers.get(i);
        JsonNode image = container.path("image");
        if (image.isTextual()) {
          sites.add(
              new ImageSite(
                  "/spec/" + list + "/" + i + "/image",
                  "spec." + list + "[" + i + "].image",
                  container.path("name").asText(""),
                  image.textValue()));
        }
      }
    }
    return sites;
  }
}
