package dev.mirrorgate.webhook.deploy.intake;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.common.update.intake.Intake;
import dev.mirrorgate.common.update.intake.MalformedPayloadException;
import dev.mirrorgate.common.update.intake.PushEvent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A body that passed the checks, decoded and handed over: the endpoint's parser reads it (400 with
 * the parser's reason when it cannot), events already taken are dropped as duplicates, the new ones
 * go to the sink, and the answer is 202 with what became of them. One log line per request that
 * took or refused events.
 */
final class PushReceiver {
  private static final Logger log = LoggerFactory.getLogger(PushReceiver.class);

  private final PushSink sink;
  private final RecentEventIds recent;
  private final IntakeMetrics metrics;

  PushReceiver(PushSink sink, RecentEventIds recent, IntakeMetrics metrics) {
    this.sink = sink;
    this.recent = recent;
    this.metrics = metrics;
  }

  Answer receive(IntakeRoute route, RequestHead head, byte[] body) {
    Intake intake;
    try {
      intake = route.parser().parse(body, head.registryName());
    } catch (MalformedPayloadException e) {
      return Answer.malformed(e.getMessage());
    }
    List<PushEvent> fresh = new ArrayList<>();
    List<String> claimed = new ArrayList<>();
    int duplicates = 0;
    List<PushEvent> events = intake.events();
    for (int i = 0; i < events.size(); i++) {
      PushEvent event = events.get(i);
      String id = dedupKey(route, head, event, i);
      if (id != null && !recent.claim(id)) {
        duplicates++;
        continue;
      }
      if (id != null) {
        claimed.add(id);
      }
      fresh.add(event);
    }
    if (!fresh.isEmpty()) {
      try {
        sink.accept(List.copyOf(fresh));
      } catch (RuntimeException e) {
        claimed.forEach(recent::release);
        log.error(
            "the push sink refused {} event(s): {}",
            fresh.size(),
            e.toString(),
            kv("endpoint", route.label()),
            kv("outcome", "unavailable"));
        return Answer.unavailable("cannot take the events now: retry");
      }
    }
    metrics.events(route.source(), IntakeMetrics.Result.ACCEPTED, fresh.size());
    metrics.events(route.source(), IntakeMetrics.Result.IGNORED, intake.ignored().size());
    metrics.events(route.source(), IntakeMetrics.Result.DUPLICATE, duplicates);
    logTaken(route, head, fresh, intake.ignored(), duplicates);
    return Answer.accepted(fresh.size(), intake.ignored().size(), duplicates);
  }

  /**
   * The id that makes an event "the same" when redelivered: the payload's event id, else GitHub's
   * delivery id (with the event's index); null when neither exists (the event always counts).
   */
  private static String dedupKey(IntakeRoute route, RequestHead head, PushEvent event, int index) {
    if (event.eventId() != null) {
      return route.source().trigger() + ":" + event.eventId();
    }
    String delivery = head.deliveryId();
    return delivery == null ? null : route.source().trigger() + ":" + delivery + "#" + index;
  }

  private static void logTaken(
      IntakeRoute route,
      RequestHead head,
      List<PushEvent> fresh,
      List<Intake.Ignored> ignored,
      int duplicates) {
    if (fresh.isEmpty() && !log.isDebugEnabled()) {
      return;
    }
    List<String> images = fresh.stream().map(e -> e.image().normalized()).toList();
    List<String> reasons = ignored.stream().map(Intake.Ignored::reason).distinct().toList();
    String message = "push intake: took {} event(s)";
    Object[] arguments = {
      fresh.size(),
      kv("endpoint", route.label()),
      kv("status", 202),
      kv("events", images),
      kv("ignored", ignored.size()),
      kv("ignoredReasons", reasons),
      kv("duplicates", duplicates),
      kv("remote", head.remote())
    };
    if (fresh.isEmpty()) {
      log.debug(message, arguments);
    } else {
      log.info(message, arguments);
    }
  }
}
