package dev.mirrorgate.common.image;

import java.util.Objects;

/**
 * A parsed, normalized image reference: {@code domain/path[:tag][@digest]}.
 *
 * <p>{@link #parse} follows the distribution reference grammar and Docker's normalization: a first
 * component is a domain when it contains {@code .} or {@code :}, is {@code localhost}, or has an
 * uppercase letter; otherwise the domain is {@code docker.io} and single-component names get {@code
 * library/}. {@code index.docker.io} becomes {@code docker.io}. The name ({@code domain/path},
 * normalized) is at most 255 characters.
 *
 * @param domain registry host with optional port, e.g. {@code docker.io}, {@code localhost:5000},
 *     {@code [::1]:5000}
 * @param path repository path, e.g. {@code library/nginx}
 * @param tag the tag, or null when absent
 * @param digest the digest ({@code algorithm:hex}), or null when absent
 */
public record ImageReference(String domain, String path, String tag, String digest) {

  /** Docker Hub's canonical domain. */
  public static final String DOCKER_HUB = "docker.io";

  /** Longest allowed name ({@code domain/path}). */
  public static final int NAME_MAX_LENGTH = 255;

  public ImageReference {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
  }

  /**
   * Parses and normalizes a reference.
   *
   * @throws InvalidImageReferenceException with a reason that says what is wrong
   */
  public static ImageReference parse(String reference) throws InvalidImageReferenceException {
    return ReferenceParser.parse(reference);
  }

  /** {@code domain/path}. */
  public String name() {
    return domain + "/" + path;
  }

  /** {@code name[:tag][@digest]}, with {@code :latest} only when neither tag nor digest is set. */
  public String normalized() {
    if (tag == null && digest == null) {
      return domain + "/" + path + ":latest";
    }
    return qualified();
  }

  /**
   * {@code name[:tag][@digest]} exactly as the reference has them: no {@code :latest} is implied.
   * This is the form a rewritten reference is rendered in.
   */
  public String qualified() {
    StringBuilder out =
        new StringBuilder(
            domain.length()
                + path.length()
                + 2
                + (tag == null ? 0 : tag.length() + 1)
                + (digest == null ? 0 : digest.length() + 1));
    out.append(domain).append('/').append(path);
    if (tag != null) {
      out.append(':').append(tag);
    }
    if (digest != null) {
      out.append('@').append(digest);
    }
    return out.toString();
  }

  /** Same as {@link #normalized()}. */
  @Override
  public String toString() {
    return normalized();
  }

  /**
   * Written out rather than left to the record's generated method handles: references are hash keys
   * on the intake's path (push windows, the workload index), and the generated form costs several
   * times more until the JIT inlines it, which under C1 alone (the controller's flags) it never
   * fully does.
   */
  @Override
  public boolean equals(Object other) {
    return this == other
        || other instanceof ImageReference that
            && domain.equals(that.domain)
            && path.equals(that.path)
            && Objects.equals(tag, that.tag)
            && Objects.equals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    int hash = domain.hashCode();
    hash = 31 * hash + path.hashCode();
    hash = 31 * hash + Objects.hashCode(tag);
    return 31 * hash + Objects.hashCode(digest);
  }
}
