package dev.mirrorgate.webhook.deploy.registry;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.Locale;
import java.util.Objects;

/**
 * A repository in a registry, normalized as image references are ({@code docker.io/library/nginx},
 * {@code localhost:5000/app}); hosts compare without case.
 *
 * @param domain registry host with optional port, as in {@link ImageReference#domain()}
 * @param path repository path, e.g. {@code library/nginx}
 */
public record Repository(String domain, String path) {

  public Repository {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /** The repository of an image reference (its tag and digest dropped). */
  public static Repository of(ImageReference image) {
    return new Repository(image.domain(), image.path());
  }

  /**
   * Reads a repository name ({@code nginx}, {@code ghcr.io/acme/shop}); a tag or digest is dropped.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Repository parse(String name) {
    try {
      return of(ImageReference.parse(name));
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@code domain/path}. */
  public String name() {
    return domain + "/" + path;
  }

  /** The image {@code name:tag[@digest]} ({@code digest} may be null). */
  public ImageReference image(String tag, String digest) {
    return new ImageReference(domain, path, tag, digest);
  }

  @Override
  public String toString() {
    return name();
  }
}
