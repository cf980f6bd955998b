package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.controller.Applier;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.CoalescingTrigger;
import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.ControllerRuntime;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.OwnedInformers;
import dev.mirrorgate.webhook.controller.OwnerWriter;
import dev.mirrorgate.webhook.controller.ReconcileLoop;
import dev.mirrorgate.webhook.deploy.AnnotationProblems;
import dev.mirrorgate.webhook.deploy.DecisionLog;
import dev.mirrorgate.webhook.deploy.ImageUpdateHistory;
import dev.mirrorgate.webhook.deploy.ImageUpdateReconciler;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.PushWindows;
import dev.mirrorgate.webhook.deploy.RegistryWatch;
import dev.mirrorgate.webhook.deploy.Rollouts;
import dev.mirrorgate.webhook.deploy.WorkloadIndex;
import dev.mirrorgate.webhook.deploy.intake.WebhookTokenSecret;
import dev.mirrorgate.webhook.deploy.registry.RegistryClient;
import dev.mirrorgate.webhook.deploy.registry.RegistryThrottle;
import dev.mirrorgate.webhook.deploy.registry.RepositoryPoller;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import dev.mirrorgate.webhook.mirror.MirrorMode;
import dev.mirrorgate.webhook.mirror.MirrorSources;
import dev.mirrorgate.webhook.mirror.MirrorsDocumentReconciler;
import dev.mirrorgate.webhook.mirror.RegistryMirrorReconciler;
import dev.mirrorgate.webhook.mirror.RegistryMirrorRenderer;
import dev.mirrorgate.webhook.mirror.RegistryMirrorSpecParser;
import dev.mirrorgate.webhook.owned.OwnedObject;
import dev.mirrorgate.webhook.registry.RegistryReconciler;
import dev.mirrorgate.webhook.registry.RegistryRenderer;
import dev.mirrorgate.webhook.registry.RegistrySources;
import dev.mirrorgate.webhook.registry.RegistrySpecParser;
import dev.mirrorgate.webhook.tls.ClientTrust;
import dev.mirrorgate.webhook.ui.ControllerUi;
import dev.mirrorgate.webhook.ui.data.CertificateExpiry;
import dev.mirrorgate.webhook.ui.data.ClusterObjects;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers the {@code controller} process runs, wired onto the runtime: their informers and
 * reconcile loops, and which change queues which key. Part of the composition root.
 */
final class ControllerParts {
  private static final Logger log = LoggerFactory.getLogger(ControllerParts.class);

  /** The least time between two writes of the mirrors document while mirrors wait in a queue. */
  static final java.time.Duration DOCUMENT_SPACING = java.time.Duration.ofMillis(250);

  private final ControllerCommand options;
  private final KubeRest reads;
  private final KubeRest writes;
  private final KubeRest watches;
  private final EventSink events;
  private final ControllerMetrics metrics;
  private final ControllerRuntime runtime;
  private final Clock clock;
  private final ObjectMapper json;
  private final Supplier<String> servingCaPem;
  private WebhookTokenSecret webhookTokens;
  private ControllerUi ui;

  /**
   * @param servingCaPem the CA of the controller's serving certificate (what registries trust for
   *     their notifications)
   */
  ControllerParts(
      ControllerCommand options,
      KubeRest reads,
      KubeRest writes,
      KubeRest watches,
      EventSink events,
      ControllerMetrics metrics,
      ControllerRuntime runtime,
      Clock clock,
      ObjectMapper json,
      Supplier<String> servingCaPem) {
    this.servingCaPem = servingCaPem;
    this.options = options;
    this.reads = reads;
    this.writes = writes;
    this.watches = watches;
    this.events = events;
    this.metrics = metrics;
    this.runtime = runtime;
    this.clock = clock;
    this.json = json;
  }

  /** The web UI and API, once {@link #register()} has run. */
  ControllerUi ui() {
    return ui;
  }

  /** Where pushed images go (the intake's sink). */
  private PushWindows pushWindows;

  PushWindows pushWindows() {
    return pushWindows;
  }

  private WorkloadIndex workloads;

  WorkloadIndex workloads() {
    return workloads;
  }

  void close() {
    if (pushWindows != null) {
      pushWindows.close();
    }
    if (poller != null) {
      poller.close();
    }
    if (registryClient != null) {
      registryClient.close();
    }
    if (extensions != null) {
      extensions.close();
    }
    events.close(); // the queued Events are written while this replica may still write
  }

  void register() {
    registerMirrorsAndRegistries();
    registerPushToDeploy();
    registerUi();
  }

  /** The web UI and API: mirrors and registries, and push-to-deploy's views. */
  private void registerUi() {
    ClusterObjects clusterObjects =
        new ClusterObjects(
            mirrorSources,
            registrySources,
            new CertificateExpiry((ns, name) -> owned.get(ApiResource.SECRETS, ns, name)),
            options.namespace);
    List<Informer> crInformers = new java.util.ArrayList<>(mirrorSources.informers());
    crInformers.add(registrySources.informer());
    PushToDeployViews views = new PushToDeployViews(workloads, decisions, clock);
    ui =
        new ControllerUi(
            options.namespace,
            reads,
            watches,
            runtime::informer,
            new ControllerUi.ClusterReads(
                clusterObjects::mirrors, clusterObjects::registries, crInformers),
            imageUpdates,
            new ControllerUi.Ports(views, views, views),
            options.environment(),
            metrics.registry(),
            clock);
    // Pages update live: on each decision and each change of a tracked workload.
    decisions.onRecord(ui.changes()::changed);
    workloads.listener(entry -> ui.changes().changed());
  }

  private MirrorSources mirrorSources;
  private RegistrySources registrySources;
  private OwnedInformers owned;
  private Informer imageUpdates;

  private void registerPushToDeploy() {
    ProblemTrigger problems = new ProblemTrigger();
    extensions =
        new PushToDeployExtensions(
            options, writes, watches, events, metrics, runtime, clock, decisions);
    WorkloadIndex index = new WorkloadIndex(watches).listener(problems);
    index.listener(extensions::accept);
    workloads = index;
    index.informers().forEach(runtime::informer);
    ReconcileLoop problemLoop =
        runtime.loop(
            new ReconcileLoop(new AnnotationProblems(index, events), 1, runtime::isLeader, metrics),
            () -> index.all().stream().map(WorkloadIndex.Entry::key).toList());
    problems.loop = problemLoop;
    imageUpdates =
        runtime.informer(
            new Informer(
                watches, ImageUpdates.RESOURCE, ListQuery.all(), Informer.WITHOUT_MANAGED_FIELDS));
    ImageUpdates updates = new ImageUpdates(reads);
    ImageUpdateHistory history = new ImageUpdateHistory(imageUpdates);
    // Every replica applies the pushes it receives (conditional patches make that safe); the
    // approvals, expiry and recovery of ImageUpdates run on the leader.
    Rollouts rollouts =
        new Rollouts(index, reads, updates, history::pendingOf, events, decisions, metrics, clock);
    ImageUpdateReconciler reconciler =
        new ImageUpdateReconciler(history, rollouts, updates, writes, events, clock);
    ReconcileLoop updateLoop =
        runtime.loop(
            new ReconcileLoop(reconciler, options.workers, runtime::isLeader, metrics),
            () -> imageUpdates.list().stream().map(KubeObject::key).toList());
    imageUpdates.onChange(update -> updateLoop.enqueue(update.key()));
    extensions.register(index, imageUpdates, history);
    pushWindows = new PushWindows(options.debounce, rollouts, 8);

    // Polls (keel.sh/trigger: poll) and the resync of every tracked container, on the leader.
    registryClient =
        RegistryClient.create(
            options.insecureRegistries,
            registryTrust(),
            RegistryThrottle.Limit.DEFAULT,
            metrics.registry(),
            clock);
    RegistryWatch watch =
        new RegistryWatch(
            index,
            rollouts,
            registryClient,
            reads,
            options.resync,
            java.util.concurrent.Executors.newFixedThreadPool(
                2, Thread.ofVirtual().name("registry-watch").factory()));
    poller = RepositoryPoller.create(registryClient, watch, clock, metrics.registry());
    watch.attach(poller);
    index.listener(watch);
    runtime.onLeadership(poller::start, poller::stop);
  }

  private RegistryClient registryClient;
  private RepositoryPoller poller;

  /**
   * What registries are trusted for, besides the system CAs: the {@code --registry-ca} files and
   * mirrorgate's own CA (the registries it runs), when it exists at start.
   */
  private List<ClientTrust.PemBundle> registryTrust() {
    List<ClientTrust.PemBundle> bundles = new java.util.ArrayList<>();
    for (java.nio.file.Path file : options.registryCas) {
      try {
        bundles.add(
            new ClientTrust.PemBundle(file.toString(), java.nio.file.Files.readString(file)));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--registry-ca " + file + ": " + e.getMessage(), e);
      }
    }
    try {
      reads
          .get(ApiResource.SECRETS, options.namespace, ClusterAuthority.SECRET_NAME)
          .map(s -> OwnerWriter.decode(s.node().path("data").path("ca.crt")))
          .filter(pem -> !pem.isEmpty())
          .ifPresent(pem -> bundles.add(new ClientTrust.PemBundle("mirrorgate CA", pem)));
    } catch (KubeException e) {
      log.warn(
          "mirrorgate's CA not read: registries it runs are polled without it: {}", e.getMessage());
    }
    return bundles;
  }

  /** Rollback watch, notifications, OpenShift ImageStreamTag triggers. */
  private PushToDeployExtensions extensions;

  private final DecisionLog decisions = new DecisionLog(1000);

  private void registerMirrorsAndRegistries() {
    String namespace = options.namespace;
    Optional<ApiResource> certificates = served(RegistrySources.CERTIFICATES, "cert-manager");
    OwnedInformers owned =
        new OwnedInformers(watches, runtime, certificates.map(List::of).orElse(List.of()));
    this.owned = owned;
    // The controller namespace's Secrets: upstream credentials of mirrors (created by users, so
    // not labelled) and the CA; a Secret created or fixed later queues the mirrors naming it.
    Informer controllerSecrets =
        runtime.informer(
            new Informer(
                watches,
                ApiResource.SECRETS,
                ListQuery.in(namespace),
                Informer.WITHOUT_MANAGED_FIELDS));
    ClusterAuthority authority = new ClusterAuthority(reads, writes, namespace, clock);
    MirrorSources mirrors =
        new MirrorSources(
            runtime.informer(
                new Informer(watches, MirrorSources.REGISTRY_MIRRORS, ListQuery.all())),
            legacyMirrors(),
            options.addressingScheme == ControllerCommand.AddressingScheme.services
                ? MirrorMode.SERVICES
                : MirrorMode.HOSTESS);
    RegistryMirrorRenderer renderer = new RegistryMirrorRenderer();
    this.mirrorSources = mirrors;

    RegistrySources registries =
        new RegistrySources(
            runtime.informer(
                new Informer(
                    watches,
                    RegistrySources.REGISTRIES,
                    ListQuery.all(),
                    Informer.WITHOUT_MANAGED_FIELDS)));
    this.registrySources = registries;
    DocumentTrigger documentTrigger = new DocumentTrigger();
    RegistryReconciler registryReconciler =
        new RegistryReconciler(
            registries,
            owned,
            controllerSecrets,
            certificates,
            reads,
            writes,
            new OwnerWriter("registry", owned, writes, metrics, events, clock),
            events,
            authority,
            new RegistryRenderer(),
            namespace,
            servingCaPem,
            clock,
            documentTrigger);

    MirrorsDocumentReconciler document =
        new MirrorsDocumentReconciler(
            mirrors,
            owned,
            authority,
            renderer,
            new Applier(writes, metrics, "mirrors-document"),
            events,
            namespace,
            List.of(registryReconciler::mirrorsEntries));
    ReconcileLoop documentLoop =
        runtime.loop(
            new ReconcileLoop(document, 1, runtime::isLeader, metrics),
            () -> List.of(MirrorsDocumentReconciler.NAME));
    ReconcileLoop registryLoop =
        runtime.loop(
            new ReconcileLoop(registryReconciler, options.workers, runtime::isLeader, metrics),
            () -> registryKeys(registries, owned));
    List<ReconcileLoop> feeding = new java.util.concurrent.CopyOnWriteArrayList<>();
    feeding.add(registryLoop);
    // A burst (a cold start, many CRs applied at once) rewrites the document every 250 ms at most
    // instead of once per mirror; a single change is written at once.
    Runnable documentChanged =
        new CoalescingTrigger(
            DOCUMENT_SPACING,
            () -> feeding.stream().anyMatch(loop -> loop.waiting() > 0),
            System::nanoTime,
            () -> documentLoop.enqueue(MirrorsDocumentReconciler.NAME),
            delay -> documentLoop.enqueueAfter(MirrorsDocumentReconciler.NAME, delay));
    documentTrigger.target = documentChanged;
    registries.informer().onChange(cr -> registryLoop.enqueue(cr.key()));

    RegistryMirrorReconciler mirrorReconciler =
        new RegistryMirrorReconciler(
            mirrors,
            controllerSecrets,
            new OwnerWriter("registrymirror", owned, writes, metrics, events, clock),
            writes,
            events,
            authority,
            renderer,
            namespace,
            clock,
            documentChanged);
    ReconcileLoop mirrorLoop =
        runtime.loop(
            new ReconcileLoop(mirrorReconciler, options.workers, runtime::isLeader, metrics),
            () -> mirrorKeys(mirrors, owned));
    feeding.add(mirrorLoop);

    mirrors.informers().forEach(i -> i.onChange(cr -> mirrorLoop.enqueue(cr.name())));
    controllerSecrets.onChange(
        secret ->
            mirrors.all().values().stream()
                .filter(found -> mirrors.references(found.object(), secret.name()))
                .forEach(found -> mirrorLoop.enqueue(found.object().name())));
    owned.onChange(
        object -> {
          object.ownerName(RegistryMirrorSpecParser.KIND).ifPresent(mirrorLoop::enqueue);
          registryOf(object).ifPresent(registryLoop::enqueue);
          if (namespace.equals(object.namespace())) {
            if (MirrorsDocumentReconciler.NAME.equals(object.name())
                || "Service".equals(object.getKind())) {
              documentChanged.run();
            }
            if (ClusterAuthority.SECRET_NAME.equals(object.name())) {
              mirrors.all().keySet().forEach(mirrorLoop::enqueue);
              documentChanged.run();
            }
          }
        });
  }

  /** Queues a workload for its annotation problems; set once the loop exists. */
  private static final class ProblemTrigger implements WorkloadIndex.Listener {
    private volatile ReconcileLoop loop;

    @Override
    public void changed(WorkloadIndex.Entry entry) {
      ReconcileLoop target = loop;
      if (target != null && !entry.tracking().problems().isEmpty()) {
        target.enqueue(entry.key());
      }
    }
  }

  /** The push intake's tokens: Secret mirrorgate-webhook-tokens, watched by name. */
  WebhookTokenSecret webhookTokens() {
    if (webhookTokens == null) {
      webhookTokens =
          new WebhookTokenSecret(
              runtime.informer(
                  new Informer(
                      watches,
                      ApiResource.SECRETS,
                      WebhookTokenSecret.query(options.namespace),
                      Informer.WITHOUT_MANAGED_FIELDS)),
              options.namespace);
    }
    return webhookTokens;
  }

  /**
   * Queues the mirrors document; set once its loop exists (the registries' reconciler needs it).
   */
  private static final class DocumentTrigger implements Runnable {
    private volatile Runnable target = () -> {};

    @Override
    public void run() {
      target.run();
    }
  }

  /**
   * {@code resource}, when the API server serves it. Only a 404 means it is not: right after a CRD
   * is installed the API answers 429 ("storage is (re)initializing") for a moment, and an API
   * server that is away is waited for, up to half a minute.
   */
  private Optional<ApiResource> served(ApiResource resource, String what) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        reads.list(resource, ListQuery.all(), null);
        log.info("{} is served: managing {} too", resource, what);
        return Optional.of(resource);
      } catch (KubeException e) {
        if (e.notFound()) {
          return Optional.empty();
        }
        if (System.nanoTime() > deadline) {
          log.warn("cannot tell whether {} is served, assuming not: {}", resource, e.getMessage());
          return Optional.empty();
        }
      }
      try {
        Thread.sleep(500); // the API server is starting or initializing the resource's storage
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** The key of the Registry owning {@code object} (a Registry's objects live in its namespace). */
  private static Optional<String> registryOf(KubeObject object) {
    if (object.namespace() == null) {
      return Optional.empty();
    }
    Optional<String> byReference = object.ownerName(RegistrySpecParser.KIND);
    if (byReference.isPresent()) {
      return Optional.of(object.namespace() + "/" + byReference.get());
    }
    // A kept PVC has no ownerReference: its labels name the Registry.
    Map<String, String> labels = object.labels();
    if (RegistryRenderer.APP.equals(labels.get(OwnedObject.NAME))
        && labels.containsKey(OwnedObject.INSTANCE)) {
      return Optional.of(object.namespace() + "/" + labels.get(OwnedObject.INSTANCE));
    }
    return Optional.empty();
  }

  /** Every Registry key: those with a CR, and owners of objects whose CR may be gone. */
  private static List<String> registryKeys(RegistrySources registries, OwnedInformers owned) {
    Set<String> keys = new LinkedHashSet<>();
    registries.all().forEach(cr -> keys.add(cr.key()));
    for (KubeObject object : owned.all()) {
      object
          .ownerName(RegistrySpecParser.KIND)
          .ifPresent(n -> keys.add(object.namespace() + "/" + n));
    }
    return List.copyOf(keys);
  }

  /** The informer on mirror-operator's RegistryMirrors, when the API server serves them. */
  private Optional<Informer> legacyMirrors() {
    return served(MirrorSources.LEGACY_REGISTRY_MIRRORS, "mirror-operator's RegistryMirrors")
        .map(
            resource ->
                runtime.informer(
                    new Informer(
                        watches, resource, ListQuery.all(), Informer.WITHOUT_MANAGED_FIELDS)));
  }

  /** Every mirror name: those with a CR, and owners of objects whose CR may be gone. */
  private static List<String> mirrorKeys(MirrorSources mirrors, OwnedInformers owned) {
    Set<String> keys = new LinkedHashSet<>(mirrors.all().keySet());
    for (KubeObject object : owned.all()) {
      object.ownerName(RegistryMirrorSpecParser.KIND).ifPresent(keys::add);
    }
    return List.copyOf(keys);
  }
}
