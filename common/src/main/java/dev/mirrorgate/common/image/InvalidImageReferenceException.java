package dev.mirrorgate.common.image;

/** An image reference (or a registry prefix) that does not follow the distribution grammar. */
public final class InvalidImageReferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reference;
  private final String reason;

  public InvalidImageReferenceException(String reference, String reason) {
    super("invalid image reference \"" + reference + "\": " + reason, null, false, false);
    this.reference = reference;
    this.reason = reason;
  }

  /** The input as given. */
  public String reference() {
    return reference;
  }

  /** What is wrong with the input, e.g. {@code repository name must be lowercase}. */
  public String reason() {
    return reason;
  }
}
