package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.controller.Applier;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.ControllerRuntime;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.OwnedInformers;
import dev.mirrorgate.webhook.controller.ReconcileLoop;
import dev.mirrorgate.webhook.deploy.intake.WebhookTokenSecret;
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
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers the {@code controller} process runs, wired onto the runtime: their informers and
 * reconcile loops, and which change queues which key. Part of the composition root.
 */
final class ControllerParts {
  private static final Logger log = LoggerFactory.getLogger(ControllerParts.class);

  private final ControllerCommand options;
  private final KubeRest reads;
  private final KubeRest writes;
  private final KubeRest watches;
  private final EventSink events;
  private final ControllerMetrics metrics;
  private final ControllerRuntime runtime;
  private final Clock clock;
  private final ObjectMapper json;
  private WebhookTokenSecret webhookTokens;

  ControllerParts(
      ControllerCommand options,
      KubeRest reads,
      KubeRest writes,
      KubeRest watches,
      EventSink events,
      ControllerMetrics metrics,
      ControllerRuntime runtime,
      Clock clock,
      ObjectMapper json) {
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

  void register() {
    String namespace = options.namespace;
    OwnedInformers owned = new OwnedInformers(watches, runtime);
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

    MirrorsDocumentReconciler document =
        new MirrorsDocumentReconciler(
            mirrors,
            owned,
            authority,
            renderer,
            new Applier(writes, metrics, "mirrors-document"),
            events,
            namespace,
            List.of());
    ReconcileLoop documentLoop =
        runtime.loop(
            new ReconcileLoop(document, 1, runtime::isLeader, metrics),
            () -> List.of(MirrorsDocumentReconciler.NAME));
    Runnable documentChanged = () -> documentLoop.enqueue(MirrorsDocumentReconciler.NAME);

    RegistryMirrorReconciler mirrorReconciler =
        new RegistryMirrorReconciler(
            mirrors,
            owned,
            controllerSecrets,
            writes,
            new Applier(writes, metrics, "registrymirror"),
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

    mirrors.informers().forEach(i -> i.onChange(cr -> mirrorLoop.enqueue(cr.name())));
    controllerSecrets.onChange(
        secret ->
            mirrors.all().values().stream()
                .filter(found -> mirrors.references(found.object(), secret.name()))
                .forEach(found -> mirrorLoop.enqueue(found.object().name())));
    owned.onChange(
        object -> {
          object.ownerName(RegistryMirrorSpecParser.KIND).ifPresent(mirrorLoop::enqueue);
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

  /** The informer on mirror-operator's RegistryMirrors, when the API server serves them. */
  private Optional<Informer> legacyMirrors() {
    try {
      reads.list(MirrorSources.LEGACY_REGISTRY_MIRRORS, ListQuery.all(), null);
    } catch (KubeException e) {
      if (e.notFound()) {
        log.info("k8s.osp.tech/v1 RegistryMirrors are not served: only mirrorgate.dev's managed");
      } else {
        log.warn(
            "cannot tell whether k8s.osp.tech/v1 RegistryMirrors are served: {}", e.getMessage());
      }
      return Optional.empty();
    }
    log.info("managing mirror-operator's k8s.osp.tech/v1 RegistryMirrors too");
    return Optional.of(
        runtime.informer(
            new Informer(watches, MirrorSources.LEGACY_REGISTRY_MIRRORS, ListQuery.all())));
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
