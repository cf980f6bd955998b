package dev.mirrorgate.common.update;

import dev.mirrorgate.common.image.ImageReference;
import java.util.List;
import java.util.Objects;

/**
 * The images one decision looks at: a coalescing window of pushes (in the order they were pushed),
 * or the tags a registry lists for a poll (in the order listed).
 *
 * @param source what the images are
 * @param images the images, in order; each a repository with a tag, and a digest when known
 */
public record Window(Source source, List<ImageReference> images) {

  /** Where a window's images come from. */
  public enum Source {
    /** Pushed: a push of the running tag means the tag moved, even without a digest. */
    PUSHED,
    /** Listed by the registry (a poll): a tag without a digest says nothing about a new digest. */
    LISTED
  }

  public Window {
    Objects.requireNonNull(source, "source");
    images = List.copyOf(images);
  }

  public static Window pushed(List<ImageReference> images) {
    return new Window(Source.PUSHED, images);
  }

  public static Window listed(List<ImageReference> images) {
    return new Window(Source.LISTED, images);
  }

  public static Window empty() {
    return pushed(List.of());
  }

  public boolean isEmpty() {
    return images.isEmpty();
  }
}
