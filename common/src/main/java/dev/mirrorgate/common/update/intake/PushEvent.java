package dev.mirrorgate.common.update.intake;

import dev.mirrorgate.common.image.ImageReference;
import java.util.Locale;
import java.util.Objects;

/**
 * One tagged image pushed, whichever service said so.
 *
 * @param image the image pushed: registry host, repository, tag, and the digest when the payload
 *     names it (normalized: {@code nginx} is {@code docker.io/library/nginx})
 * @param eventId the sender's id of the event, for "processed once"; null when the payload has none
 *     (the endpoint may use a delivery header instead)
 * @param source who sent it
 */
public record PushEvent(ImageReference image, String eventId, Source source) {

  /** Who sent an event; {@link #trigger()} is the ImageUpdate's {@code spec.trigger}. */
  public enum Source {
    REGISTRY,
    NATIVE,
    DOCKERHUB,
    QUAY,
    HARBOR,
    GITHUB;

    /** {@code registry}, {@code native}, {@code dockerhub}, ... */
    public String trigger() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PushEvent {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(source, "source");
    if (image.tag() == null) {
      throw new IllegalArgumentException("a push event names a tag: " + image);
    }
  }

  /** The registry host, with its port when it has one. */
  public String registry() {
    return image.domain();
  }

  /** The repository path, e.g. {@code library/nginx}. */
  public String repository() {
    return image.path();
  }

  public String tag() {
    return image.tag();
  }

  /** The manifest digest, or null when the payload does not name it. */
  public String digest() {
    return image.digest();
  }
}
