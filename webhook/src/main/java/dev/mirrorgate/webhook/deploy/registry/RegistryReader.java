package dev.mirrorgate.webhook.deploy.registry;

import java.util.Optional;

/** What the poller asks of a registry; {@link RegistryClient} is the real one. */
public interface RegistryReader {

  /** The repository's tags, all pages up to the client's bound. */
  TagList tags(Repository repository, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException;

  /**
   * The digest {@code tag} points at.
   *
   * @throws RegistryException {@code NOT_FOUND} when there is no such tag
   */
  ManifestDigest digest(
      Repository repository, String tag, Optional<RegistryCredentials> credentials)
      throws RegistryException, InterruptedException;
}
