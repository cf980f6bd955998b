package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.webhook.controller.ControllerMetrics;
import dev.mirrorgate.webhook.controller.ControllerRuntime;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.ReconcileLoop;
import dev.mirrorgate.webhook.deploy.DecisionLog;
import dev.mirrorgate.webhook.deploy.ImageUpdateHistory;
import dev.mirrorgate.webhook.deploy.ImageUpdates;
import dev.mirrorgate.webhook.deploy.ImageUpdates.Phase;
import dev.mirrorgate.webhook.deploy.WorkloadIndex;
import dev.mirrorgate.webhook.deploy.notify.NotificationSink;
import dev.mirrorgate.webhook.deploy.notify.Notifier;
import dev.mirrorgate.webhook.deploy.openshift.ImageStreamTriggers;
import dev.mirrorgate.webhook.deploy.openshift.ImageStreams;
import dev.mirrorgate.webhook.deploy.rollback.RolloutWatch;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.ListQuery;
import io.kubernetes.client.informer.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push-to-deploy's extensions, wired onto the runtime beside its core: the rollback watch over
 * rollouts of {@code mirrorgate.dev/rollback} workloads, notifications of update decisions ({@code
 * --notify-webhook}, {@code --notify-slack}), and OpenShift ImageStreamTag triggers where {@code
 * image.openshift.io/v1} is served. All three reconcile on the leader only. Part of the composition
 * root; it is the workload index's change listener, so it exists before the index.
 */
final class PushToDeployExtensions implements Consumer<WorkloadIndex.Entry>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushToDeployExtensions.class);

  private final ControllerCommand options;
  private final KubeRest writes;
  private final KubeRest watches;
  private final EventSink events;
  private final ControllerMetrics metrics;
  private final ControllerRuntime runtime;
  private final Clock clock;
  private final DecisionLog decisions;
  private volatile ReconcileLoop rollbacks;
  private volatile ReconcileLoop imageStreamTriggers;
  private Notifier notifier;

  /**
   * @param writes a leader-gated client (its reads are not gated)
   */
  PushToDeployExtensions(
      ControllerCommand options,
      KubeRest writes,
      KubeRest watches,
      EventSink events,
      ControllerMetrics metrics,
      ControllerRuntime runtime,
      Clock clock,
      DecisionLog decisions) {
    this.options = options;
    this.writes = writes;
    this.watches = watches;
    this.events = events;
    this.metrics = metrics;
    this.runtime = runtime;
    this.clock = clock;
    this.decisions = decisions;
  }

  /** A new version of an indexed workload: queued where an extension looks at it. */
  @Override
  public void accept(WorkloadIndex.Entry entry) {
    ReconcileLoop watch = rollbacks;
    if (watch != null && RolloutWatch.watches(entry)) {
      watch.enqueue(entry.key());
    }
    ReconcileLoop triggers = imageStreamTriggers;
    if (triggers != null && !ImageStreamTriggers.triggered(entry).isEmpty()) {
      triggers.enqueue(entry.key());
    }
  }

  void register(WorkloadIndex index, Informer imageUpdates, ImageUpdateHistory history) {
    RolloutWatch watch =
        new RolloutWatch(index, history, writes, events, metrics.registry(), clock);
    ReconcileLoop watchLoop =
        runtime.loop(
            new ReconcileLoop(watch, options.workers, runtime::isLeader, metrics),
            () -> index.all().stream().filter(RolloutWatch::watches).map(e -> e.key()).toList());
    rollbacks = watchLoop;

    notifier =
        Notifier.create(
            options.notifications.webhooks,
            options.notifications.slack,
            options.notifications.caCertificates(),
            NotificationSink.Settings.DEFAULTS,
            metrics.registry(),
            runtime::isLeader,
            clock);
    if (notifier.enabled()) {
      log.info(
          "notifying update decisions to {} webhook(s) and {} Slack webhook(s): {}",
          options.notifications.webhooks.size(),
          options.notifications.slack.size(),
          java.util.stream.Stream.concat(
                  options.notifications.webhooks.stream(), options.notifications.slack.stream())
              .map(Object::toString)
              .toList());
    }
    Notifier notify = notifier;
    imageUpdates.handler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(KubeObject update) {}

          @Override
          public void onUpdate(KubeObject before, KubeObject after) {
            notify.changed(before, after);
            if (Phase.of(after).orElse(null) == Phase.Applied) {
              watchLoop.enqueue(RolloutWatch.workloadKey(after));
            }
          }

          @Override
          public void onDelete(KubeObject update, boolean finalStateUnknown) {}
        });

    imageStreams()
        .ifPresent(
            resource -> {
              Informer streams =
                  runtime.informer(
                      new Informer(watches, resource, ListQuery.all(), ImageStreams.PROJECTION));
              ImageStreamTriggers triggers =
                  new ImageStreamTriggers(
                      index,
                      streams,
                      new ImageUpdates(writes),
                      history,
                      writes,
                      events,
                      decisions,
                      metrics,
                      clock);
              ReconcileLoop loop =
                  runtime.loop(
                      new ReconcileLoop(triggers, options.workers, runtime::isLeader, metrics),
                      triggers::all);
              streams.onChange(stream -> triggers.following(stream).forEach(loop::enqueue));
              imageStreamTriggers = loop;
            });
  }

  /**
   * {@code image.openshift.io/v1} ImageStreams, when served and readable. A list selecting no
   * object asks (cheap where thousands of streams exist): 404 means not served; 403 means the
   * controller may not read them (ImageStreamTag triggers stay off, said once); an API server that
   * is starting or initializing the resource is asked again for up to half a minute.
   */
  private Optional<ApiResource> imageStreams() {
    ListQuery none = ListQuery.all().withFields("metadata.name=mirrorgate-probe");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        writes.list(ImageStreams.RESOURCE, none, null);
        log.info(
            "{} is served: following OpenShift ImageStreamTag triggers", ImageStreams.RESOURCE);
        return Optional.of(ImageStreams.RESOURCE);
      } catch (KubeException e) {
        if (e.notFound()) {
          return Optional.empty();
        }
        if (e.status() == 403) {
          log.info(
              "{} cannot be read (forbidden): OpenShift ImageStreamTag triggers are off; grant the"
                  + " controller get, list and watch on them to follow such triggers",
              ImageStreams.RESOURCE);
          return Optional.empty();
        }
        if (System.nanoTime() > deadline) {
          log.warn(
              "cannot tell whether {} is served, assuming not: {}",
              ImageStreams.RESOURCE,
              e.getMessage());
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

  @Override
  public void close() {
    if (notifier != null) {
      notifier.close();
    }
  }
}
