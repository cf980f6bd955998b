package dev.mirrorgate.webhook.ui;

import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import dev.mirrorgate.webhook.ui.auth.AccessReviewer;
import dev.mirrorgate.webhook.ui.auth.Authenticator;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import dev.mirrorgate.webhook.ui.auth.LoginThrottle;
import dev.mirrorgate.webhook.ui.auth.PasswordUsers;
import dev.mirrorgate.webhook.ui.auth.Sessions;
import dev.mirrorgate.webhook.ui.auth.TokenReviewer;
import dev.mirrorgate.webhook.ui.data.ChangeFeed;
import dev.mirrorgate.webhook.ui.data.DecisionLog;
import dev.mirrorgate.webhook.ui.data.ImageUpdateIndex;
import dev.mirrorgate.webhook.ui.data.MappingExplainer;
import dev.mirrorgate.webhook.ui.data.MirrorView;
import dev.mirrorgate.webhook.ui.data.RegistryView;
import dev.mirrorgate.webhook.ui.data.Simulator;
import dev.mirrorgate.webhook.ui.data.TrackedWorkloads;
import dev.mirrorgate.webhook.ui.data.UiData;
import dev.mirrorgate.webhook.ui.data.Votes;
import dev.mirrorgate.webhook.ui.web.WebUi;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The web UI and JSON API of the controller, assembled from the controller's parts: its own
 * informers (the ImageUpdates of every namespace, Secret {@value PasswordUsers#SECRET} and
 * ConfigMap {@value MappingExplainer#CONFIG_MAP} in the controller's namespace), the mirrors and
 * registries the controllers watch, and what push-to-deploy provides through {@link Ports}. Votes
 * are written through a client that is not gated on the leader Lease: every replica records them.
 */
public final class ControllerUi {
  /** Session and throttle settings (ARCHITECTURE.md, HTTP). */
  static final Duration SESSION_IDLE = Duration.ofMinutes(30);

  static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  static final int MAX_SESSIONS = 10_000;
  static final int LOGIN_BURST = 5;
  static final Duration LOGIN_REFILL = Duration.ofSeconds(12);
  static final Duration REVIEW_TTL = Duration.ofSeconds(30);

  /** What push-to-deploy provides: the tracked containers, the recent decisions and the dry run. */
  public record Ports(TrackedWorkloads workloads, DecisionLog decisions, Simulator simulator) {
    public static final Ports NONE =
        new Ports(TrackedWorkloads.NONE, DecisionLog.NONE, Simulator.NONE);

    public Ports {
      Objects.requireNonNull(workloads, "workloads");
      Objects.requireNonNull(decisions, "decisions");
      Objects.requireNonNull(simulator, "simulator");
    }
  }

  /** Where the UI reads the controllers' custom resources from. */
  public record ClusterReads(
      Supplier<List<MirrorView>> mirrors,
      Supplier<List<RegistryView>> registries,
      List<Informer> informers) {}

  private final UiData data;
  private final Authenticator authenticator;
  private final Sessions sessions;
  private final CsrfTokens csrf;
  private final AccessReviewer access;
  private final MeterRegistry metrics;
  private final SecureRandom random;
  private final List<Informer> informers;
  private final Informer imageUpdates;

  /**
   * @param namespace the controller's namespace
   * @param requests a client for reads and the UI's writes (votes, reviews), not leader-gated
   * @param watches a client without read timeout, for informers
   * @param register starts an informer with the controller's others (and counts it for readiness)
   * @param cluster the mirrors and registries, and the informers they come from (their failures
   *     tell that the API server is away)
   * @param imageUpdates the informer on ImageUpdates of all namespaces (push-to-deploy's, shared)
   * @param environment the process environment (Keel's {@code BASIC_AUTH_USER} / {@code
   *     BASIC_AUTH_PASSWORD})
   */
  public ControllerUi(
      String namespace,
      KubeRest requests,
      KubeRest watches,
      UnaryOperator<Informer> register,
      ClusterReads cluster,
      Informer imageUpdates,
      Ports ports,
      Map<String, String> environment,
      MeterRegistry metrics,
      Clock clock) {
    this.metrics = metrics;
    this.random = new SecureRandom();
    ChangeFeed changes = new ChangeFeed();
    PasswordUsers users = new PasswordUsers(environment);
    Informer usersSecret =
        register.apply(
            new Informer(
                watches,
                ApiResource.SECRETS,
                ListQuery.in(namespace).withFields("metadata.name=" + PasswordUsers.SECRET),
                Informer.WITHOUT_MANAGED_FIELDS));
    usersSecret.onChange(
        s -> users.secretChanged(usersSecret.get(namespace, PasswordUsers.SECRET)));
    MappingExplainer mapping = new MappingExplainer();
    Informer mappingConfigMap =
        register.apply(
            new Informer(
                watches,
                ApiResource.CONFIG_MAPS,
                ListQuery.in(namespace).withFields("metadata.name=" + MappingExplainer.CONFIG_MAP),
                Informer.WITHOUT_MANAGED_FIELDS));
    mappingConfigMap.onChange(
        cm ->
            mapping.configMapChanged(mappingConfigMap.get(namespace, MappingExplainer.CONFIG_MAP)));
    this.imageUpdates = imageUpdates;
    ImageUpdateIndex updates = new ImageUpdateIndex(imageUpdates::list);
    imageUpdates.onChange(
        u -> {
          updates.changed();
          changes.changed();
        });
    cluster.informers().forEach(i -> i.onChange(o -> changes.changed()));
    this.informers =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(imageUpdates, usersSecret, mappingConfigMap),
                cluster.informers().stream())
            .toList();
    this.data =
        new UiData(
            cluster.mirrors(),
            cluster.registries(),
            updates,
            ports.workloads(),
            ports.decisions(),
            ports.simulator(),
            mapping,
            new Votes(requests, clock, metrics),
            this::apiProblem,
            changes);
    this.sessions = new Sessions(clock, SESSION_IDLE, SESSION_LIFETIME, MAX_SESSIONS, random);
    this.csrf = new CsrfTokens(random);
    this.access = new AccessReviewer(requests, clock, REVIEW_TTL);
    this.authenticator =
        new Authenticator(
            users,
            new TokenReviewer(requests, clock, REVIEW_TTL),
            access,
            sessions,
            new LoginThrottle(clock, LOGIN_BURST, LOGIN_REFILL));
  }

  /** The router of the UI port. */
  public Router router(Vertx vertx) {
    return WebUi.router(vertx, data, authenticator, sessions, csrf, access, metrics, random);
  }

  /** Tell open pages that what they show changed (push-to-deploy calls it on a new decision). */
  public ChangeFeed changes() {
    return data.changes();
  }

  public UiData data() {
    return data;
  }

  /**
   * The informer on the ImageUpdates of every namespace (projected without managedFields), for
   * push-to-deploy to share instead of watching them a second time.
   */
  public Informer imageUpdates() {
    return imageUpdates;
  }

  /** Why the API server cannot be read now, from the informers' last list or watch. */
  private Optional<String> apiProblem() {
    for (Informer informer : informers) {
      if (informer.failure().isPresent()) {
        return Optional.of(
            "The Kubernetes API server cannot be read right now: what is shown may be out of date"
                + " and votes cannot be recorded. ("
                + informer.resource()
                + ": "
                + informer.failure().get()
                + ")");
      }
      if (!informer.hasSynced()) {
        return Optional.of(
            "Still reading the cluster ("
                + informer.resource()
                + "): the lists may be incomplete.");
      }
    }
    return Optional.empty();
  }
}
