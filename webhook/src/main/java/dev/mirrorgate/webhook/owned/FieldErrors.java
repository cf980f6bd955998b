package dev.mirrorgate.webhook.owned;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors of one document, each prefixed by the path of the field it is about ({@code
 * spec.upstream: "Bad Host" is not a registry host[:port]}), in the order they were found.
 */
public final class FieldErrors {
  private final List<String> errors = new ArrayList<>();

  /** Records {@code path: message}. */
  public void add(String path, String message) {
    errors.add(path + ": " + message);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public int size() {
    return errors.size();
  }

  /** A copy of the errors so far. */
  public List<String> list() {
    return List.copyOf(errors);
  }
}
