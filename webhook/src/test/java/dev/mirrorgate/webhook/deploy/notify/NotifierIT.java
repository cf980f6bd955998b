package dev.mirrorgate.webhook.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mirrorgate.webhook.deploy.notify.HookReceiver.Answer;
import dev.mirrorgate.webhook.owned.TestCa;
import dev.mirrorgate.webhook.tls.ClientTrust;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Notifications to real HTTPS receivers on 127.0.0.1 (leaves of a test CA, trusted through the
 * {@code --notify-ca} path): what arrives, and what a receiver that answers 500, is slow, is down,
 * refuses the request or presents a certificate of an unknown CA does to the sender.
 */
class NotifierIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final TestCa CA = TestCa.create("notify test CA");
  private static final NotificationSink.Settings FAST =
      new NotificationSink.Settings(
          16, Duration.ofMillis(800), 3, Duration.ofMillis(50), Duration.ofMillis(200));
  private static final String SLACK_PATH = "/services/T0SECRET/B0SECRET/abcSECRETxyz";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private HookReceiver receiver(HookReceiver.Behaviour behaviour) throws Exception {
    HookReceiver receiver = new HookReceiver(CA.loopback(), behaviour);
    closing.add(receiver);
    return receiver;
  }

  private Notifier notifier(List<String> webhooks, List<String> slack, List<X509Certificate> cas) {
    return notifier(webhooks, slack, cas, FAST);
  }

  private Notifier notifier(
      List<String> webhooks,
      List<String> slack,
      List<X509Certificate> cas,
      NotificationSink.Settings settings) {
    Notifier notifier =
        Notifier.create(
            webhooks.stream().map(HookUrl::parse).toList(),
            slack.stream().map(HookUrl::parse).toList(),
            cas,
            settings,
            meters,
            () -> true,
            Clock.systemUTC());
    closing.add(notifier);
    return notifier;
  }

  private static List<X509Certificate> testCa() {
    return ClientTrust.read(new ClientTrust.PemBundle("test CA", CA.pem()));
  }

  private static UpdateNotification notification(String type, String imageUpdate) {
    return new UpdateNotification(
        type,
        Instant.parse("2026-11-25T10:00:00Z"),
        "apps",
        "Deployment",
        "shop",
        "web",
        "r.test:5000/shop:1.2.3",
        "r.test:5000/shop:1.3.0@sha256:aaaa",
        "keel.sh/policy=minor",
        "registry",
        "Applied",
        "minor accepts 1.3.0 <now>",
        imageUpdate);
  }

  private double count(String sink, String result) {
    Counter counter =
        meters
            .find("mirrorgate.deploy.notifications")
            .tag("sink", sink)
            .tag("result", result)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private double retries(String sink) {
    Counter counter =
        meters.find("mirrorgate.deploy.notification.retries").tag("sink", sink).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void theWebhookGetsTheJsonObjectAndSlackTheText() throws Exception {
    HookReceiver receiver = receiver(HookReceiver.Behaviour.accepting());
    Notifier notifier =
        notifier(List.of(receiver.url("/hooks/json")), List.of(receiver.url(SLACK_PATH)), testCa());

    notifier.notify(notification("applied", "shop-web-1"));

    await().atMost(WAIT).until(() -> receiver.received().size() == 2);
    HookReceiver.Received json =
        receiver.received().stream().filter(r -> r.path().equals("/hooks/json")).findFirst().get();
    HookReceiver.Received slack =
        receiver.received().stream().filter(r -> r.path().equals(SLACK_PATH)).findFirst().get();
    assertThat(json.body())
        .isEqualTo(NotificationPayloads.json(notification("applied", "shop-web-1")));
    assertThat(json.contentType()).isEqualTo("application/json");
    assertThat(json.event()).isEqualTo("applied");
    assertThat(slack.body().properties()).hasSize(1);
    assertThat(slack.body().path("text").asText())
        .startsWith("*:white_check_mark: Update applied*: `apps/Deployment/shop`")
        .contains("minor accepts 1.3.0 &lt;now&gt;");
    await().atMost(WAIT).until(() -> count("webhook", "sent") == 1 && count("slack", "sent") == 1);
    assertThat(count("webhook", "failed") + count("slack", "failed")).isZero();
  }

  @Test
  void aReceiverAnswering500IsTriedAgainUntilItAccepts() throws Exception {
    HookReceiver flaky = receiver(n -> new Answer(n <= 2 ? 500 : 202, 0));
    Notifier notifier = notifier(List.of(flaky.url("/hook")), List.of(), testCa());

    notifier.notify(notification("rolled-back", "shop-web-2"));

    await().atMost(WAIT).until(() -> count("webhook", "sent") == 1);
    assertThat(flaky.requests()).isEqualTo(3);
    assertThat(flaky.types()).containsExactly("rolled-back");
    assertThat(retries("webhook")).isEqualTo(2);
    assertThat(count("webhook", "failed")).isZero();
  }

  @Test
  void aReceiverThatRefusesTheRequestIsNotTriedAgain() throws Exception {
    HookReceiver refusing = receiver(n -> new Answer(400, 0));
    Notifier notifier = notifier(List.of(refusing.url("/hook")), List.of(), testCa());

    notifier.notify(notification("failed", "shop-web-3"));

    await().atMost(WAIT).until(() -> count("webhook", "failed") == 1);
    assertThat(refusing.requests()).isEqualTo(1);
    assertThat(retries("webhook")).isZero();
  }

  @Test
  void aDownReceiverFailsAfterItsAttemptsWithoutDelayingAnother() throws Exception {
    HookReceiver healthy = receiver(HookReceiver.Behaviour.accepting());
    String down = HookReceiver.downUrl("/hook");
    // A long backoff for the dead receiver: the healthy one must not wait for it.
    NotificationSink.Settings slowRetries =
        new NotificationSink.Settings(
            16, Duration.ofMillis(800), 2, Duration.ofSeconds(5), Duration.ofSeconds(5));
    Notifier notifier =
        notifier(List.of(down), List.of(healthy.url("/slack")), testCa(), slowRetries);

    notifier.notify(notification("expired", "shop-web-4"));
    notifier.notify(notification("applied", "shop-web-5"));

    await().atMost(WAIT).until(() -> healthy.received().size() == 2);
    assertThat(count("webhook", "failed")).as("the dead receiver is still being retried").isZero();
    await().atMost(WAIT).until(() -> count("webhook", "failed") == 2);
    assertThat(retries("webhook")).isEqualTo(2);
    assertThat(count("slack", "sent")).isEqualTo(2);
  }

  @Test
  void aSlowReceiverTimesOutAndIsTriedAgain() throws Exception {
    HookReceiver slow = receiver(n -> new Answer(200, n <= 2 ? 3_000 : 0));
    Notifier notifier = notifier(List.of(slow.url("/hook")), List.of(), testCa());

    notifier.notify(notification("pending-approval", "shop-web-6"));

    await().atMost(WAIT).until(() -> count("webhook", "sent") == 1);
    assertThat(slow.requests()).isEqualTo(3);
    assertThat(retries("webhook")).isEqualTo(2);
  }

  @Test
  void aFullQueueDropsNotificationsInsteadOfWaiting() throws Exception {
    HookReceiver stuck = receiver(n -> new Answer(200, 5_000));
    NotificationSink.Settings tiny =
        new NotificationSink.Settings(
            2, Duration.ofSeconds(10), 1, Duration.ofMillis(50), Duration.ofMillis(50));
    Notifier notifier = notifier(List.of(stuck.url("/hook")), List.of(), testCa(), tiny);

    for (int i = 0; i < 20; i++) {
      notifier.notify(notification("applied", "shop-web-" + i));
    }

    // One in flight, two queued; the rest dropped at once and counted.
    assertThat(count("webhook", "dropped")).isBetween(17.0, 18.0);
  }

  @Test
  void aReceiverWhoseCaIsNotTrustedGetsNothing() throws Exception {
    HookReceiver stranger = receiver(HookReceiver.Behaviour.accepting());
    Notifier notifier = notifier(List.of(stranger.url("/hook")), List.of(), List.of());

    notifier.notify(notification("applied", "shop-web-7"));

    await().atMost(WAIT).until(() -> count("webhook", "failed") == 1);
    assertThat(stranger.received()).isEmpty();
  }

  @Test
  void theSlackUrlNeverReachesTheLog() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(NotificationSink.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    closing.add(() -> logger.detachAppender(logs));
    HookReceiver failing = receiver(n -> new Answer(503, 0));
    String down = HookReceiver.downUrl(SLACK_PATH + "?token=SECRET");
    Notifier notifier = notifier(List.of(), List.of(failing.url(SLACK_PATH), down), testCa());

    notifier.notify(notification("applied", "shop-web-8"));

    await().atMost(WAIT).until(() -> count("slack", "failed") == 2);
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      String text = event.getFormattedMessage() + Arrays.toString(event.getArgumentArray());
      assertThat(text).doesNotContain("SECRET").contains("https://127.0.0.1:");
    }
  }
}
