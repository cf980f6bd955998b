package dev.mirrorgate.webhook.deploy.intake;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.common.update.intake.PushEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A placeholder sink until the rollout side is wired: logs each event it is given and counts them.
 * Ready when {@code ready} says so (the controller's informers have synced).
 */
public final class LoggingPushSink implements PushSink {
  private static final Logger log = LoggerFactory.getLogger(LoggingPushSink.class);

  private final BooleanSupplier ready;
  private final AtomicLong received = new AtomicLong();

  public LoggingPushSink(BooleanSupplier ready) {
    this.ready = ready;
  }

  @Override
  public boolean ready() {
    return ready.getAsBoolean();
  }

  @Override
  public void accept(List<PushEvent> events) {
    received.addAndGet(events.size());
    if (!log.isDebugEnabled()) {
      return;
    }
    for (PushEvent event : events) {
      log.debug(
          "push event (not acted on yet)",
          kv("image", event.image().normalized()),
          kv("source", event.source().trigger()),
          kv("eventId", event.eventId()));
    }
  }

  /** How many events it was given. */
  public long received() {
    return received.get();
  }
}
