package dev.mirrorgate.common.mapping;

import dev.mirrorgate.common.image.ImageReference;

/**
 * ImageSwap {@code [EXACT]source::target}: one image (name, tag and digest as written, registry
 * normalized) replaced by another.
 */
public record ExactRule(ImageReference source, ImageReference target) {

  /** E.g. {@code [EXACT] ghcr.io/acme/app:v1 => m.local/acme/app:v1-patched}. */
  public String describe() {
    return "[EXACT] " + source.qualified() + " => " + target.qualified();
  }
}
