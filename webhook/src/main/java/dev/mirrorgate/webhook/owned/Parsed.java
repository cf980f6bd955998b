package dev.mirrorgate.webhook.owned;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What a spec parser found: the spec, or every error of the custom resource with its field path.
 * The messages are meant for a {@code Ready=False} condition, an Event and a log line.
 */
public record Parsed<T>(T spec, List<String> errors) {

  public Parsed {
    errors = List.copyOf(errors);
    if ((spec == null) == errors.isEmpty()) {
      throw new IllegalArgumentException("a parse result has either a spec or errors");
    }
  }

  public static <T> Parsed<T> valid(T spec) {
    return new Parsed<>(Objects.requireNonNull(spec, "spec"), List.of());
  }

  public static <T> Parsed<T> invalid(List<String> errors) {
    return new Parsed<>(null, errors);
  }

  public boolean isValid() {
    return spec != null;
  }

  /** The spec; throws when the resource was invalid. */
  public T get() {
    if (spec == null) {
      throw new NoSuchElementException("invalid: " + String.join("; ", errors));
    }
    return spec;
  }

  /** The errors joined into one message, as a condition or an Event carries them. */
  public String message() {
    return String.join("; ", errors);
  }
}
