package dev.mirrorgate.webhook.deploy.registry;

import dev.mirrorgate.common.update.PollSchedule;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one watcher (a poll-triggered container) wants of its repository's poller.
 *
 * @param repository the repository
 * @param schedule when ({@code keel.sh/pollSchedule}; the earliest of all watchers' wins)
 * @param credentials from its pull secrets ({@link PullSecrets}), or empty for anonymous
 * @param listTags whether the tags are listed (false when only a digest matters, as for {@code
 *     digest} or {@code force} with {@code keel.sh/matchTag})
 * @param digestTags the tags whose digest is resolved by a manifest HEAD (typically the current
 *     tag); when listing, only those listed
 */
public record PollRequest(
    Repository repository,
    PollSchedule schedule,
    Optional<RegistryCredentials> credentials,
    boolean listTags,
    Set<String> digestTags) {

  public PollRequest {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(credentials, "credentials");
    digestTags = Set.copyOf(digestTags);
  }
}
