package dev.mirrorgate.webhook.deploy.registry;

/** A registry request failed; {@link #error()} says how. */
public final class RegistryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient RegistryError error;

  public RegistryException(RegistryError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public RegistryException(RegistryError.Kind kind, String message) {
    this(new RegistryError(kind, message));
  }

  public RegistryError error() {
    return error;
  }
}
