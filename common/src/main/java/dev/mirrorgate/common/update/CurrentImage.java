package dev.mirrorgate.common.update;

import dev.mirrorgate.common.image.ImageReference;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tracked container runs: its tag and, when known, its digest.
 *
 * @param tag the tag; {@code latest} when the image names neither tag nor digest; null when it
 *     names only a digest
 * @param digest the digest the image pins, or null
 */
public record CurrentImage(String tag, String digest) {

  /** From a container's image reference. */
  public static CurrentImage of(ImageReference image) {
    Objects.requireNonNull(image, "image");
    if (image.tag() == null && image.digest() == null) {
      return new CurrentImage("latest", null);
    }
    return new CurrentImage(image.tag(), image.digest());
  }

  /** The tag as a version, or empty (also when there is no tag). */
  public Optional<Version> version() {
    return Version.parse(tag);
  }

  /** Whether the candidate names the current tag. */
  public boolean hasTag(String candidateTag) {
    return candidateTag.equals(tag);
  }

  /** {@code tag}, {@code tag@digest} or {@code @digest}. */
  @Override
  public String toString() {
    String t = tag == null ? "" : tag;
    return digest == null ? t : t + "@" + digest;
  }
}
