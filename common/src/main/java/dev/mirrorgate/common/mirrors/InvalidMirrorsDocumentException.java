package dev.mirrorgate.common.mirrors;

import java.util.List;

/**
 * A {@code mirrors.yaml} that cannot be used; carries every error found, each with its location.
 */
public final class InvalidMirrorsDocumentException extends Exception {

  private final List<String> errors;

  public InvalidMirrorsDocumentException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
