package dev.mirrorgate.webhook.server;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.webhook.JsonLine;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.admission.AdmissionDecodeException;
import dev.mirrorgate.webhook.admission.AdmissionRequest;
import dev.mirrorgate.webhook.mapping.LoadedMapping;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.metrics.WebhookMetrics.Outcome;
import dev.mirrorgate.webhook.mutation.ImageRewrite;
import dev.mirrorgate.webhook.mutation.Mutation;
import dev.mirrorgate.webhook.mutation.Mutator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@code POST /mutate} body: decode, mutate, encode. A body that is not a review gets a
 * 4xx with the reason; anything unexpected after decoding still gets a well-formed review that
 * admits the Pod unchanged (fail open), a log line and a metric. One log line per decision.
 */
public final class AdmissionService {
  private static final Logger log = LoggerFactory.getLogger("mirrorgate.admission");
  static final String INTERNAL_ERROR_WARNING =
      "mirrorgate: internal error, Pod admitted with its images unchanged";

  private final AdmissionCodec codec;
  private final Mutator mutator;
  private final MappingHolder mappings;
  private final WebhookMetrics metrics;

  public AdmissionService(
      AdmissionCodec codec, Mutator mutator, MappingHolder mappings, WebhookMetrics metrics) {
    this.codec = codec;
    this.mutator = mutator;
    this.mappings = mappings;
    this.metrics = metrics;
  }

  public Answer handle(byte[] body) {
    return handle(body, 0, body.length);
  }

  /** Answers the body held in {@code length} bytes of {@code body} from {@code offset}. */
  public Answer handle(byte[] body, int offset, int length) {
    long start = System.nanoTime();
    AdmissionRequest request;
    try {
      request = codec.decode(body, offset, length);
    } catch (AdmissionDecodeException e) {
      return rejected(e, start);
    }
    return answer(request, start);
  }

  /** Answers a body read from {@code body} (one that arrived in several chunks). */
  public Answer handle(java.io.InputStream body) {
    long start = System.nanoTime();
    AdmissionRequest request;
    try {
      request = codec.decode(body);
    } catch (AdmissionDecodeException e) {
      return rejected(e, start);
    }
    return answer(request, start);
  }

  private Answer rejected(AdmissionDecodeException e, long start) {
    metrics.request("unknown", Outcome.REJECTED, System.nanoTime() - start);
    log.warn(
        "rejected admission body: {}",
        e.getMessage(),
        kv("outcome", "rejected"),
        kv("status", e.status()));
    return Answer.error(e.status(), e.getMessage());
  }

  private Answer answer(AdmissionRequest request, long start) {
    try {
      return decide(request, start);
    } catch (RuntimeException e) {
      metrics.request(request.operation(), Outcome.ERROR, System.nanoTime() - start);
      log.error(
          "admission failed, admitting the Pod unchanged",
          kv("uid", request.uid()),
          kv("namespace", request.namespace()),
          kv("pod", request.podName()),
          kv("outcome", "error"),
          e);
      return Answer.json(codec.allow(request, List.of(INTERNAL_ERROR_WARNING)));
    }
  }

  private Answer decide(AdmissionRequest request, long start) {
    if (!request.isPod()
        || !request.object().isObject()
        || !(request.operation().equals("CREATE") || request.operation().equals("UPDATE"))) {
      Answer answer = Answer.json(codec.allow(request, List.of()));
      finish(request, Outcome.SKIPPED, "not a Pod CREATE or UPDATE", null, null, start);
      return answer;
    }
    LoadedMapping loaded = mappings.current().orElse(null);
    if (loaded == null) {
      Answer answer = Answer.json(codec.allow(request, List.of()));
      finish(request, Outcome.SKIPPED, "no mapping loaded yet", null, null, start);
      return answer;
    }
    Mutation mutation =
        mutator.mutate(request.object(), request.isEphemeralContainersUpdate(), loaded.mapping());
    Answer answer =
        Answer.json(
            mutation.changed()
                ? codec.patch(request, mutation.patch(), mutation.warnings())
                : codec.allow(request, mutation.warnings()));
    for (ImageRewrite rewrite : mutation.rewrites()) {
      metrics.imageRewritten(rewrite.rule());
    }
    Outcome outcome =
        mutation.skipped() != null
            ? Outcome.SKIPPED
            : mutation.changed() ? Outcome.PATCHED : Outcome.UNCHANGED;
    finish(request, outcome, mutation.skipped(), mutation, loaded, start);
    return answer;
  }

  private void finish(
      AdmissionRequest request,
      Outcome outcome,
      String reason,
      Mutation mutation,
      LoadedMapping mapping,
      long start) {
    long nanos = System.nanoTime() - start;
    metrics.request(request.operation(), outcome, nanos);
    if (log.isInfoEnabled()) {
      // The one line per decision, encoded here (JsonLine): the same JSON logback would write.
      JsonLine line =
          JsonLine.info(log, "admission " + outcome.label())
              .field("uid", request.uid())
              .field("operation", request.operation())
              .field("subResource", request.subResource())
              .field("namespace", request.namespace())
              .field("pod", request.podName())
              .field("dryRun", request.dryRun())
              .field("outcome", outcome.label())
              .field("reason", reason)
              .openArray("rewrites");
      if (mutation != null) {
        for (ImageRewrite rewrite : mutation.rewrites()) {
          line.openObject(null)
              .field("container", rewrite.container())
              .field("from", rewrite.from())
              .field("to", rewrite.to())
              .field("rule", rewrite.rule())
              .closeObject();
        }
      }
      line.closeArray()
          .field("warnings", mutation == null ? List.of() : mutation.warnings())
          .field("mapping", mapping == null ? null : mapping.version())
          .field("micros", nanos / 1000)
          .log();
    }
  }
}
