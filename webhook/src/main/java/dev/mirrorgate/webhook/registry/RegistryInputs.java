package dev.mirrorgate.webhook.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * What a Registry's configuration needs beyond its spec: the notification endpoint (empty when
 * {@code pushToDeploy} is off) and the {@code http.secret} that lets replicas resume each other's
 * uploads. Both secrets are generated once by the controller and kept in the config Secret (keys
 * {@link RegistryRenderer#TOKEN_KEY} and {@link RegistryRenderer#HTTP_SECRET_KEY}), so reconciling
 * again renders the same bytes.
 */
public record RegistryInputs(Optional<NotificationEndpoint> notifications, String httpSecret) {
  public RegistryInputs {
    Objects.requireNonNull(notifications, "notifications");
    Objects.requireNonNull(httpSecret, "httpSecret");
  }

  /** Omits the secrets. */
  @Override
  public String toString() {
    return "RegistryInputs[notifications=" + notifications + "]";
  }
}
