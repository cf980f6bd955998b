package dev.mirrorgate.common.update;

import java.util.Objects;
import java.util.Optional;

/**
 * A tag a tracked container could move to: pushed in a coalescing window, or listed by a registry.
 *
 * @param tag the tag
 * @param digest the manifest digest ({@code sha256:…}), or null when the source did not say
 * @param order position in the window: pushed (or listed) later is greater
 */
public record Candidate(String tag, String digest, int order) {
  public Candidate {
    Objects.requireNonNull(tag, "tag");
  }

  /** The tag as a version, or empty. */
  public Optional<Version> version() {
    return Version.parse(tag);
  }

  /**
   * How specific the tag is: 3 for {@code 1.2.3}, 2 for {@code 1.2}, 0 for a tag that is not a
   * version ({@code latest}). Among tags with one digest, or equal in a policy's order, the most
   * specific is written.
   */
  public int specificity() {
    return version().map(Version::parts).orElse(0);
  }

  /** {@code tag} or {@code tag@digest}. */
  @Override
  public String toString() {
    return digest == null ? tag : tag + "@" + digest;
  }
}
