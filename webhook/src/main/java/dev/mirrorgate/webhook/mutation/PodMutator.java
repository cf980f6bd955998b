package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.Rewrite;
import dev.mirrorgate.common.mapping.Rewrite.Reason;
import dev.mirrorgate.webhook.admission.Quoted;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure core of admission: given a Pod and a mapping, which images change and the JSON Patch
 * that changes them. Knows nothing of HTTP or of where the mapping came from.
 */
public final class PodMutator implements Mutator {
  /** Pod or Namespace label that turns rewriting off when set to {@code "false"}. */
  public static final String REWRITE_LABEL = "mirrorgate.dev/rewrite";

  private final OriginalImagesAnnotation annotation;

  public PodMutator(ObjectMapper mapper) {
    this.annotation = new OriginalImagesAnnotation(mapper);
  }

  /**
   * Rewrites the images of {@code pod}.
   *
   * @param ephemeralOnly true for the {@code pods/ephemeralcontainers} subresource, where only
   *     ephemeral containers may change (and annotations would be dropped by the API server)
   */
  @Override
  public Mutation mutate(JsonNode pod, boolean ephemeralOnly, Mapping mapping) {
    if ("false".equals(pod.path("metadata").path("labels").path(REWRITE_LABEL).asText(null))) {
      return Mutation.skipped("pod label " + REWRITE_LABEL + "=false");
    }
    List<ImageSite> sites =
        PodImages.find(pod, ephemeralOnly ? PodImages.EPHEMERAL_ONLY : PodImages.ALL_LISTS);
    JsonPatch patch = new JsonPatch();
    List<ImageRewrite> rewrites = new ArrayList<>(sites.size());
    List<String> warnings = List.of();
    for (ImageSite site : sites) {
      switch (mapping.rewrite(site.image())) {
        case Rewrite.Rewritten r -> {
          patch.replace(site.pointer(), r.image());
          rewrites.add(
              new ImageRewrite(
                  site.container(), site.location(), site.image(), r.image(), r.rule()));
        }
        case Rewrite.Invalid invalid -> {
          if (warnings.isEmpty()) {
            warnings = new ArrayList<>();
          }
          warnings.add(leftUnchanged(site, Quoted.clip(invalid.error())));
        }
        case Rewrite.Unchanged unchanged when unchanged.reason() == Reason.REWRITE_TOO_LONG -> {
          if (warnings.isEmpty()) {
            warnings = new ArrayList<>();
          }
          warnings.add(
              leftUnchanged(
                  site,
                  "its rewritten name would exceed "
                      + ImageReference.NAME_MAX_LENGTH
                      + " characters"));
        }
        case Rewrite.Unchanged unchanged when unchanged.reason() == Reason.REWRITE_INVALID -> {
          if (warnings.isEmpty()) {
            warnings = new ArrayList<>();
          }
          warnings.add(leftUnchanged(site, "its rewrite would not be a valid image reference"));
        }
        case Rewrite.Unchanged unchanged -> {}
      }
    }
    if (rewrites.isEmpty()) {
      return new Mutation(null, List.of(), warnings, null);
    }
    if (!ephemeralOnly) {
      annotation.record(pod, rewrites, patch);
    }
    return new Mutation(patch.toJson(), rewrites, warnings, null);
  }

  /** An admission warning; the image is quoted short and without control characters. */
  private static String leftUnchanged(ImageSite site, String why) {
    return "mirrorgate: "
        + site.location()
        + " \""
        + Quoted.clip(site.image())
        + "\" left unchanged: "
        + why;
  }
}
