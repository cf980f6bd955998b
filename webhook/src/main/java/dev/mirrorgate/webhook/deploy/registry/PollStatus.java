package dev.mirrorgate.webhook.deploy.registry;

import java.time.Instant;

/**
 * How polling a repository goes, for status, metrics and log lines.
 *
 * @param repository the repository
 * @param watchers how many watchers share its poller
 * @param schedules the watchers' schedules as written, distinct, sorted
 * @param lastAttempt when the last poll started, or null
 * @param lastSuccess when the last successful poll started, or null
 * @param consecutiveFailures failed polls since the last success
 * @param lastError why the last poll failed, or null when it succeeded
 * @param nextPoll when the next poll is due, or null when none is (not leading, or no schedule
 *     fires again)
 */
public record PollStatus(
    Repository repository,
    int watchers,
    java.util.List<String> schedules,
    Instant lastAttempt,
    Instant lastSuccess,
    int consecutiveFailures,
    RegistryError lastError,
    Instant nextPoll) {

  public boolean failing() {
    return lastError != null;
  }
}
