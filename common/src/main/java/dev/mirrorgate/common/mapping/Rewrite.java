package dev.mirrorgate.common.mapping;

import dev.mirrorgate.common.image.ImageReference;

/** The outcome of rewriting one image with a {@link Mapping}. */
public sealed interface Rewrite {

  /**
   * The image moves to a mirror.
   *
   * @param image the new reference, {@code name[:tag][@digest]} with tag and digest as written
   * @param rule the {@code describe()} of the rule that applied
   */
  record Rewritten(ImageReference original, String image, String rule) implements Rewrite {}

  /** The image stays as it is, for {@code reason}. */
  record Unchanged(ImageReference original, Reason reason) implements Rewrite {}

  /**
   * The image is not a valid reference.
   *
   * @param error what is wrong ({@link
   *     dev.mirrorgate.common.image.InvalidImageReferenceException#reason()})
   */
  record Invalid(String image, String error) implements Rewrite {}

  /** Why an image is left unchanged. */
  enum Reason {
    /** No rule matches the image. */
    NO_RULE,
    /** The image is under an {@code exclude} prefix, or contains an ImageSwap noswap wildcard. */
    EXCLUDED,
    /** The image already is under a rule's target (it was rewritten before). */
    ALREADY_MIRRORED,
    /** An ImageSwap {@code registry::} line disables swapping for the image's registry. */
    SWAP_DISABLED,
    /** The rewritten name would exceed 255 characters, so the image is kept. */
    REWRITE_TOO_LONG,
    /**
     * The rewritten reference would not be valid: the image equals a rule's source and the target
     * is a bare host (no repository would be left), or an ImageSwap {@code -} target cannot embed
     * the image's host (e.g. an IPv6 address) in a path.
     */
    REWRITE_INVALID
  }
}
