package dev.mirrorgate.webhook.ui.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the pages and the API read, and the votes they write.
 *
 * @param mirrors the RegistryMirrors, by name
 * @param registries the Registries, by namespace and name
 * @param updates the ImageUpdates of every namespace
 * @param workloads port: the tracked containers
 * @param decisions port: the recent decisions
 * @param simulator port: the dry run
 * @param mapping the user rules, for explain
 * @param votes records approvals and rejections
 * @param apiProblem why the Kubernetes API server cannot be read now (empty when it can)
 * @param changes what tells open pages to refresh
 */
public record UiData(
    Supplier<List<MirrorView>> mirrors,
    Supplier<List<RegistryView>> registries,
    ImageUpdateIndex updates,
    TrackedWorkloads workloads,
    DecisionLog decisions,
    Simulator simulator,
    MappingExplainer mapping,
    Votes votes,
    Supplier<Optional<String>> apiProblem,
    ChangeFeed changes) {
  public UiData {
    Objects.requireNonNull(mirrors, "mirrors");
    Objects.requireNonNull(registries, "registries");
    Objects.requireNonNull(updates, "updates");
    Objects.requireNonNull(workloads, "workloads");
    Objects.requireNonNull(decisions, "decisions");
    Objects.requireNonNull(simulator, "simulator");
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(votes, "votes");
    Objects.requireNonNull(apiProblem, "apiProblem");
    Objects.requireNonNull(changes, "changes");
  }
}
