package dev.mirrorgate.webhook.deploy;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.update.DigestPolicy;
import dev.mirrorgate.common.update.ForcePolicy;
import dev.mirrorgate.common.update.PollSchedule;
import dev.mirrorgate.common.update.TrackedContainer;
import dev.mirrorgate.common.update.UpdateDecider;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.UpdateSettings;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.WorkloadKind;
import dev.mirrorgate.webhook.deploy.WorkloadIndex.Entry;
import dev.mirrorgate.webhook.deploy.registry.ListedTags;
import dev.mirrorgate.webhook.deploy.registry.ManifestDigest;
import dev.mirrorgate.webhook.deploy.registry.PollRequest;
import dev.mirrorgate.webhook.deploy.registry.PollSink;
import dev.mirrorgate.webhook.deploy.registry.PullSecrets;
import dev.mirrorgate.webhook.deploy.registry.RegistryClient;
import dev.mirrorgate.webhook.deploy.registry.RegistryCredentials;
import dev.mirrorgate.webhook.deploy.registry.RegistryException;
import dev.mirrorgate.webhook.deploy.registry.Repository;
import dev.mirrorgate.webhook.deploy.registry.RepositoryPoller;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What mirrorgate asks of registries, and what it does with the answers: every tracked container is
 * a watcher of its repository's one poller — on its {@code keel.sh/pollSchedule} when it is
 * poll-triggered, else every {@code --resync} (so an event lost in a crash is applied late, never
 * lost). A poll's listed tags are decided like pushes ({@code Window.listed}); the chosen tag's
 * digest is resolved before the update is written, so what runs is pinned. Credentials come from
 * the workload's pull secrets, read when the workload changes.
 */
public final class RegistryWatch implements WorkloadIndex.Listener, PollSink {
  private static final Logger log = LoggerFactory.getLogger(RegistryWatch.class);

  private final WorkloadIndex index;
  private final Rollouts rollouts;
  private final RegistryClient client;
  private final KubeRest reads;
  private final PollSchedule resync;
  private final Executor workers;
  private RepositoryPoller poller;

  /** The watchers (workload containers) of each workload, to unwatch them. */
  private final Map<String, Set<String>> watchersOf = new ConcurrentHashMap<>();

  /** The credentials last resolved for each repository (for the chosen tag's digest). */
  private final Map<Repository, Optional<RegistryCredentials>> credentials =
      new ConcurrentHashMap<>();

  public RegistryWatch(
      WorkloadIndex index,
      Rollouts rollouts,
      RegistryClient client,
      KubeRest reads,
      Duration resync,
      Executor workers) {
    this.index = index;
    this.rollouts = rollouts;
    this.client = client;
    this.reads = reads;
    this.resync = PollSchedule.parse("@every " + resync.toSeconds() + "s");
    this.workers = workers;
  }

  /** The poller whose watchers this keeps (it calls {@link #listed} back). */
  public void attach(RepositoryPoller poller) {
    this.poller = poller;
  }

  @Override
  public void changed(Entry entry) {
    workers.execute(() -> watch(entry));
  }

  @Override
  public void removed(Entry last) {
    Set<String> watchers = watchersOf.remove(last.key());
    if (watchers != null && poller != null) {
      watchers.forEach(poller::unwatch);
    }
  }

  private void watch(Entry entry) {
    if (poller == null) {
      return;
    }
    Set<String> now = new HashSet<>();
    UpdateSettings settings = entry.tracking().settings();
    if (!entry.tracking().leftAlone()) {
      for (TrackedContainer container : entry.tracking().tracked()) {
        Repository repository;
        try {
          repository = Repository.of(ImageReference.parse(container.image()));
        } catch (Exception e) {
          continue; // the engine reported it
        }
        Optional<RegistryCredentials> found = credentials(entry, repository);
        credentials.put(repository, found);
        String watcher =
            Rollouts.containerKey(
                entry.object().namespace(),
                entry.resource().kind(),
                entry.object().name(),
                container.name());
        boolean listTags =
            !(container.policy() instanceof DigestPolicy
                || (container.policy() instanceof ForcePolicy force && force.matchTag()));
        Set<String> digestTags = new HashSet<>();
        if (container.current().tag() != null) {
          digestTags.add(container.current().tag());
        }
        PollSchedule schedule = settings.trigger().poll() ? settings.trigger().schedule() : resync;
        poller.watch(watcher, new PollRequest(repository, schedule, found, listTags, digestTags));
        now.add(watcher);
      }
    }
    Set<String> before = watchersOf.put(entry.key(), now);
    if (before != null) {
      before.stream().filter(w -> !now.contains(w)).forEach(poller::unwatch);
    }
  }

  /** The workload's pull-secret credentials for {@code repository} (anonymous on any doubt). */
  private Optional<RegistryCredentials> credentials(Entry entry, Repository repository) {
    String namespace = entry.object().namespace();
    WorkloadKind kind = WorkloadKind.of(entry.resource().kind()).orElseThrow();
    JsonNode podSpec = entry.object().node().at(kind.podSpecPointer());
    try {
      List<JsonNode> annotated = new ArrayList<>();
      String named = entry.tracking().settings().imagePullSecret();
      if (named != null) {
        reads.get(ApiResource.SECRETS, namespace, named).ifPresent(s -> annotated.add(s.node()));
      }
      List<JsonNode> workload = secrets(namespace, podSpec.path("imagePullSecrets"));
      List<JsonNode> account = List.of();
      String serviceAccount = podSpec.path("serviceAccountName").asText("default");
      Optional<KubeObject> sa = reads.get(ApiResource.SERVICE_ACCOUNTS, namespace, serviceAccount);
      if (sa.isPresent()) {
        account = secrets(namespace, sa.get().node().path("imagePullSecrets"));
      }
      PullSecrets.Resolution resolution =
          PullSecrets.resolve(repository, new PullSecrets.Sources(annotated, workload, account));
      resolution
          .problems()
          .forEach(
              problem ->
                  log.warn(
                      "pull secret not usable",
                      keyValue("workload", entry.key()),
                      keyValue("problem", problem)));
      return resolution.credentials();
    } catch (KubeException e) {
      log.warn(
          "cannot read pull secrets, polling anonymously",
          keyValue("workload", entry.key()),
          keyValue("error", e.getMessage()));
      return Optional.empty();
    }
  }

  private List<JsonNode> secrets(String namespace, JsonNode references) throws KubeException {
    List<JsonNode> secrets = new ArrayList<>();
    for (JsonNode reference : references) {
      String name = reference.path("name").asText("");
      if (!name.isEmpty()) {
        reads.get(ApiResource.SECRETS, namespace, name).ifPresent(s -> secrets.add(s.node()));
      }
    }
    return secrets;
  }

  /**
   * A poll's answer: decided like pushes, the chosen tags' digests resolved first, so an update
   * pins what it decided. Runs on a poller thread (blocking is fine there).
   */
  @Override
  public void listed(ListedTags tags) {
    String repository = tags.repository().name();
    List<ImageReference> images = new ArrayList<>(tags.images());
    Set<String> unresolved = new HashSet<>();
    for (Entry entry : index.following(repository)) {
      for (TrackedContainer container : entry.tracking().tracked()) {
        if (!container.repository().equalsIgnoreCase(repository)) {
          continue;
        }
        UpdateDecision decision =
            UpdateDecider.decide(container, entry.tracking().settings(), Window.listed(images));
        if (decision.isUpdate()
            && decision.chosen() != null
            && decision.chosen().digest() == null) {
          unresolved.add(decision.chosen().tag());
        }
      }
    }
    for (String tag : unresolved) {
      try {
        ManifestDigest digest =
            client.digest(
                tags.repository(),
                tag,
                credentials.getOrDefault(tags.repository(), Optional.empty()));
        images.replaceAll(
            image ->
                tag.equals(image.tag()) && image.digest() == null
                    ? new ImageReference(image.domain(), image.path(), tag, digest.digest())
                    : image);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RegistryException e) {
        log.warn(
            "cannot resolve the chosen tag's digest: not updating to it this time",
            keyValue("repository", repository),
            keyValue("tag", tag),
            keyValue("error", e.getMessage()));
        images.removeIf(image -> tag.equals(image.tag()));
      }
    }
    rollouts.decideListed(repository, Window.listed(images), System.nanoTime(), workers);
  }
}
