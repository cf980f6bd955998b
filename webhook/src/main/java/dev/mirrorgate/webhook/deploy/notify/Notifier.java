package dev.mirrorgate.webhook.deploy.notify;

import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.tls.ClientTrust;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Tells the configured receivers ({@code controller --notify-webhook}, {@code --notify-slack})
 * about update decisions, besides the Kubernetes Events: every ImageUpdate that becomes Pending
 * (waiting for approval), Applied, Failed, RolledBack, Expired or Rejected. The ImageUpdates'
 * informer reports each phase change on every replica; only the leader notifies, so a change is
 * told once (a change during a leader handover may be told twice or not at all: notifications are
 * best effort, the ImageUpdates are the record). Delivery is asynchronous ({@link
 * NotificationSink}): a rollout never waits for a receiver.
 */
public final class Notifier implements AutoCloseable {
  private final List<NotificationSink> sinks;
  private final BooleanSupplier leading;
  private final Clock clock;
  private final HttpClient http;

  public Notifier(
      List<NotificationSink> sinks, HttpClient http, BooleanSupplier leading, Clock clock) {
    this.sinks = List.copyOf(sinks);
    this.http = http;
    this.leading = leading;
    this.clock = clock;
  }

  /**
   * A notifier posting to {@code webhooks} and {@code slack}, trusting the system CAs and {@code
   * cas}.
   */
  public static Notifier create(
      List<HookUrl> webhooks,
      List<HookUrl> slack,
      List<X509Certificate> cas,
      NotificationSink.Settings settings,
      MeterRegistry meters,
      BooleanSupplier leading,
      Clock clock) {
    if (webhooks.isEmpty() && slack.isEmpty()) {
      return new Notifier(List.of(), null, leading, clock); // no client, no threads
    }
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(ClientTrust.trusting(cas))
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            // its tasks on virtual threads, not a cached pool of platform threads per client
            .executor(task -> Thread.ofVirtual().name("notify-http").start(task))
            .build();
    List<NotificationSink> sinks = new ArrayList<>();
    for (HookUrl url : webhooks) {
      sinks.add(new NotificationSink(url, NotificationSink.Format.WEBHOOK, http, settings, meters));
    }
    for (HookUrl url : slack) {
      sinks.add(new NotificationSink(url, NotificationSink.Format.SLACK, http, settings, meters));
    }
    return new Notifier(sinks, http, leading, clock);
  }

  public boolean enabled() {
    return !sinks.isEmpty();
  }

  /**
   * An ImageUpdate changed (the informer's update). Additions are not told: every phase is written
   * after the object is created, and an informer's first list adds what was decided long ago.
   */
  public void changed(KubeObject before, KubeObject after) {
    if (!enabled() || before == null || !leading.getAsBoolean()) {
      return;
    }
    UpdateNotification.of(before, after, clock.instant()).ifPresent(this::notify);
  }

  /** Queues {@code notification} for every receiver; never blocks. */
  public void notify(UpdateNotification notification) {
    for (NotificationSink sink : sinks) {
      sink.offer(notification);
    }
  }

  @Override
  public void close() {
    sinks.forEach(NotificationSink::close);
    if (http != null) {
      http.close();
    }
  }
}
