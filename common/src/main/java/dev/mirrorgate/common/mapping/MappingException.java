package dev.mirrorgate.common.mapping;

import java.util.List;

/** A mapping document with errors; carries all of them, each with its location. */
public final class MappingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  public MappingException(List<String> errors) {
    super(String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  /**
   * Every error, e.g. {@code mapping.yaml: mirrors[2].target: "Bad Host" is not a registry host}.
   */
  public List<String> errors() {
    return errors;
  }
}
