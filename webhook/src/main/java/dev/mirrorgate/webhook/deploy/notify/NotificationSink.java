package dev.mirrorgate.webhook.deploy.notify;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver of notifications: a bounded queue and one sender thread, so a slow or dead receiver
 * delays only itself, and whoever offers a notification never waits (a full queue drops it,
 * counted). Each delivery is retried with exponential backoff (honouring {@code Retry-After}) on a
 * connection failure, a timeout, 429 or 5xx; any other answer is final. Every outcome is one log
 * line and a count in {@code mirrorgate_deploy_notifications_total{sink, result}}; the URL appears
 * only redacted.
 */
public final class NotificationSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a receiver expects. */
  public enum Format {
    /** The stable JSON object of {@link NotificationPayloads#json}. */
    WEBHOOK,
    /** A Slack-compatible incoming webhook: {@code {"text": …}}. */
    SLACK;

    /** The metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * How deliveries behave.
   *
   * @param capacity notifications waiting per receiver before new ones are dropped
   * @param requestTimeout one attempt's limit (connecting included)
   * @param attempts tries per notification
   * @param firstBackoff the pause after the first failed try, doubled after each, up to {@code
   *     maxBackoff}
   */
  public record Settings(
      int capacity,
      Duration requestTimeout,
      int attempts,
      Duration firstBackoff,
      Duration maxBackoff) {
    public static final Settings DEFAULTS =
        new Settings(256, Duration.ofSeconds(10), 4, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  private final HookUrl url;
  private final Format format;
  private final HttpClient http;
  private final Settings settings;
  private final MeterRegistry meters;
  private final BlockingQueue<UpdateNotification> queue;
  private final Thread sender;
  private volatile boolean closed;

  public NotificationSink(
      HookUrl url, Format format, HttpClient http, Settings settings, MeterRegistry meters) {
    this.url = url;
    this.format = format;
    this.http = http;
    this.settings = settings;
    this.meters = meters;
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
    this.sender = new Thread(this::sendForever, "notify-" + format.label());
    this.sender.setDaemon(true);
    this.sender.start();
  }

  public HookUrl url() {
    return url;
  }

  /** Queues {@code notification}; never blocks. False (and counted as dropped) when full. */
  public boolean offer(UpdateNotification notification) {
    if (closed || !queue.offer(notification)) {
      count("dropped");
      log.warn(
          "notification dropped",
          keyValue("sink", format.label()),
          keyValue("url", url.redacted()),
          keyValue("type", notification.type()),
          keyValue("imageUpdate", notification.imageUpdate()),
          keyValue("reason", closed ? "shutting down" : "queue full"));
      return false;
    }
    return true;
  }

  private void sendForever() {
    while (!closed) {
      UpdateNotification next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        deliver(next);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        count("failed");
        log.warn(
            "notification failed",
            keyValue("sink", format.label()),
            keyValue("url", url.redacted()),
            keyValue("imageUpdate", next.imageUpdate()),
            keyValue("error", url.scrub(String.valueOf(e.getMessage()))));
      }
    }
  }

  private void deliver(UpdateNotification notification) throws InterruptedException {
    byte[] body = body(notification);
    Duration backoff = settings.firstBackoff();
    String last = "";
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      Optional<Duration> retryAfter = Optional.empty();
      try {
        HttpResponse<Void> response =
            http.send(request(notification, body), HttpResponse.BodyHandlers.discarding());
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
          count("sent");
          log.info(
              "notification sent",
              keyValue("sink", format.label()),
              keyValue("url", url.redacted()),
              keyValue("type", notification.type()),
              keyValue("imageUpdate", notification.imageUpdate()),
              keyValue("attempts", attempt),
              keyValue("status", code));
          return;
        }
        last = "HTTP " + code;
        if (code != 429 && code < 500) {
          break; // the receiver refuses this request: trying again gets the same answer
        }
        retryAfter = retryAfter(response);
      } catch (IOException e) {
        last = url.scrub(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      if (attempt < settings.attempts()) {
        Counter.builder("mirrorgate.deploy.notification.retries")
            .description("Notification deliveries tried again, by sink")
            .tag("sink", format.label())
            .register(meters)
            .increment();
        Duration pause = retryAfter.orElse(backoff);
        Thread.sleep(Math.min(pause.toMillis(), settings.maxBackoff().toMillis()));
        backoff = backoff.multipliedBy(2);
      }
    }
    count("failed");
    log.warn(
        "notification failed",
        keyValue("sink", format.label()),
        keyValue("url", url.redacted()),
        keyValue("type", notification.type()),
        keyValue("imageUpdate", notification.imageUpdate()),
        keyValue("attempts", settings.attempts()),
        keyValue("error", last));
  }

  private HttpRequest request(UpdateNotification notification, byte[] body) {
    return HttpRequest.newBuilder(url.uri())
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "mirrorgate")
        .header("X-Mirrorgate-Event", notification.type())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private byte[] body(UpdateNotification notification) {
    try {
      return JSON.writeValueAsBytes(
          format == Format.SLACK
              ? NotificationPayloads.slack(notification)
              : NotificationPayloads.json(notification));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a tree of strings always serializes
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.matches("\\d{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)));
  }

  private void count(String result) {
    Counter.builder("mirrorgate.deploy.notifications")
        .description("Update notifications by sink and result (sent, failed, dropped)")
        .tag("sink", format.label())
        .tag("result", result)
        .register(meters)
        .increment();
  }

  /** Stops sending; what is still queued is dropped (and logged as such). */
  @Override
  public void close() {
    closed = true;
    sender.interrupt();
    int left = queue.size();
    queue.clear();
    if (left > 0) {
      log.warn(
          "notifications not sent at shutdown",
          keyValue("sink", format.label()),
          keyValue("url", url.redacted()),
          keyValue("count", left));
    }
  }
}
