package dev.mirrorgate.webhook.deploy.registry;

import dev.mirrorgate.common.image.ImageReference;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one poll of a repository found: its tags in the order the registry listed them, with the
 * digests of the tags whose digest matters. {@link #images()} is what {@code Window.listed(...)}
 * takes.
 *
 * @param repository the repository
 * @param tags the tags, each with its digest when resolved
 * @param polledAt when the poll started
 * @param truncated whether the registry listed more tags than the client keeps
 */
public record ListedTags(
    Repository repository, List<ListedTags.Tag> tags, Instant polledAt, boolean truncated) {

  /**
   * A listed tag.
   *
   * @param tag the tag
   * @param digest its manifest digest, or null when not resolved
   */
  public record Tag(String tag, String digest) {
    public Tag {
      Objects.requireNonNull(tag, "tag");
    }
  }

  public ListedTags {
    Objects.requireNonNull(repository, "repository");
    tags = List.copyOf(tags);
    Objects.requireNonNull(polledAt, "polledAt");
  }

  /** Each tag as an image reference ({@code repo:tag} or {@code repo:tag@digest}), in order. */
  public List<ImageReference> images() {
    return tags.stream().map(t -> repository.image(t.tag(), t.digest())).toList();
  }
}
