package dev.mirrorgate.webhook.ui.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.MappingExplainer;
import dev.mirrorgate.webhook.ui.data.Paging;
import dev.mirrorgate.webhook.ui.data.UiData;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import dev.mirrorgate.webhook.ui.data.VoteException;
import dev.mirrorgate.webhook.ui.data.Votes;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON API under {@code /api/v1} (ARCHITECTURE.md, HTTP). Lists take {@code limit} and {@code
 * continue} ({@link Paging}) and answer {@code {"items", "continue", "total"}}; errors are {@code
 * {"error": "..."}} with the status that fits.
 */
final class Api {
  private final UiData data;
  private final Answers answers;
  private final Voting voting;
  private final ObjectMapper json;

  Api(UiData data, Answers answers, Voting voting, ObjectMapper json) {
    this.data = data;
    this.answers = answers;
    this.voting = voting;
    this.json = json;
  }

  /** A decision as the API shows it. */
  record DecisionItem(
      String at,
      String namespace,
      String kind,
      String name,
      String container,
      String image,
      String policy,
      String trigger,
      String outcome,
      String update,
      String reason) {
    static DecisionItem of(Decision d) {
      return d == null
          ? null
          : new DecisionItem(
              d.at().toString(),
              d.namespace(),
              d.kind(),
              d.name(),
              d.container(),
              d.image(),
              d.policy(),
              d.trigger(),
              d.outcome().name(),
              d.update(),
              d.reason());
    }
  }

  /** The pending update of a tracked container. */
  record PendingItem(String namespace, String name, String to) {}

  /** A tracked container as the API shows it. */
  record WorkloadItem(
      String namespace,
      String kind,
      String name,
      String container,
      String image,
      String tag,
      String digest,
      String policy,
      String trigger,
      DecisionItem lastDecision,
      PendingItem pendingUpdate) {}

  void workloads(RoutingContext ctx) {
    Paging paging = paging(ctx);
    if (paging == null) {
      return;
    }
    List<WorkloadItem> items =
        Views.workloads(
                data.workloads().all(),
                data.decisions().recent(),
                data.updates(),
                param(ctx, "namespace"),
                null)
            .stream()
            .map(
                j -> {
                  Rows.WorkloadRow row = Rows.WorkloadRow.of(j.workload(), null, null);
                  UpdateView p = j.pending();
                  return new WorkloadItem(
                      row.namespace(),
                      row.kind(),
                      row.name(),
                      row.container(),
                      row.image(),
                      row.tag(),
                      row.digest(),
                      row.policy(),
                      row.trigger(),
                      DecisionItem.of(j.last()),
                      p == null ? null : new PendingItem(p.namespace(), p.name(), p.to()));
                })
            .toList();
    list(ctx, paging, items);
  }

  void updates(RoutingContext ctx) {
    Paging paging = paging(ctx);
    if (paging == null) {
      return;
    }
    Set<String> phases = new LinkedHashSet<>();
    for (String value : ctx.queryParam("phase")) {
      for (String phase : value.split(",")) {
        if (phase.isBlank()) {
          continue;
        }
        if (!UpdateView.PHASES.contains(phase.strip())) {
          answers.error(
              ctx,
              400,
              "phase: \""
                  + phase.strip()
                  + "\" is not one of "
                  + String.join(", ", UpdateView.PHASES));
          return;
        }
        phases.add(phase.strip());
      }
    }
    list(
        ctx, paging, data.updates().query(param(ctx, "namespace"), param(ctx, "workload"), phases));
  }

  void mirrors(RoutingContext ctx) {
    Paging paging = paging(ctx);
    if (paging != null) {
      list(ctx, paging, data.mirrors().get());
    }
  }

  void registries(RoutingContext ctx) {
    Paging paging = paging(ctx);
    if (paging != null) {
      list(ctx, paging, data.registries().get());
    }
  }

  void decisions(RoutingContext ctx) {
    Paging paging = paging(ctx);
    if (paging == null) {
      return;
    }
    list(
        ctx,
        paging,
        Views.decisions(data.decisions().recent(), param(ctx, "namespace"), param(ctx, "workload"))
            .stream()
            .map(DecisionItem::of)
            .toList());
  }

  /** POST …/approve and …/reject: {@code {"message", "changed", "update"}}. */
  void vote(RoutingContext ctx) {
    Voting.Action action = Voting.action(ctx.pathParam("action"));
    if (action == null) {
      answers.error(ctx, 404, "no such action: use approve or reject");
      return;
    }
    Caller caller = Frames.caller(ctx);
    voting
        .cast(ctx.vertx(), caller, action, ctx.pathParam("namespace"), ctx.pathParam("name"))
        .onComplete(
            done -> {
              if (done.succeeded()) {
                Votes.Outcome outcome = done.result();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("message", outcome.message());
                body.put("changed", outcome.changed());
                body.put("update", outcome.update());
                answers.json(ctx, 200, body);
              } else if (done.cause() instanceof VoteException e) {
                answers.error(ctx, e.status(), e.getMessage());
              } else {
                ctx.fail(done.cause());
              }
            });
  }

  /** POST /api/v1/simulate {@code {"pushed": [refs]}}: {@code {"items": [decisions]}}. */
  void simulate(RoutingContext ctx) {
    List<String> texts = strings(ctx, "pushed");
    if (texts == null) {
      return;
    }
    List<String> errors = new ArrayList<>();
    List<ImageReference> pushed = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        pushed.add(ImageReference.parse(texts.get(i)));
      } catch (InvalidImageReferenceException e) {
        errors.add("pushed[" + i + "]: \"" + texts.get(i) + "\": " + e.reason());
      }
    }
    if (!errors.isEmpty()) {
      answers.error(ctx, 400, String.join("; ", errors));
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> data.simulator().simulate(pushed), false)
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              answers.json(
                  ctx, 200, Map.of("items", done.result().stream().map(DecisionItem::of).toList()));
            });
  }

  /** POST /api/v1/explain {@code {"images": [refs]}}: what the mapping does with each. */
  void explain(RoutingContext ctx) {
    List<String> images = strings(ctx, "images");
    if (images == null) {
      return;
    }
    MappingExplainer.State state = data.mapping().state();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", images.stream().map(data.mapping()::explain).toList());
    Map<String, Object> mapping = new LinkedHashMap<>();
    mapping.put("origin", state.origin());
    mapping.put("errors", state.errors());
    body.put("mapping", mapping);
    answers.json(ctx, 200, body);
  }

  /** The array of strings {@code field} of the JSON body, or null after answering 400. */
  private List<String> strings(RoutingContext ctx, String field) {
    JsonNode body;
    try {
      body =
          json.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      answers.error(ctx, 400, "the body is not JSON: " + e.getOriginalMessage());
      return null;
    } catch (IOException e) {
      answers.error(ctx, 400, "the body cannot be read: " + e.getMessage());
      return null;
    }
    JsonNode array = body == null ? null : body.get(field);
    if (array == null || !array.isArray()) {
      answers.error(ctx, 400, "the body must be {\"" + field + "\": [\"image reference\", ...]}");
      return null;
    }
    if (array.size() > Pages.MAX_LINES) {
      answers.error(ctx, 400, field + ": at most " + Pages.MAX_LINES + " references at once");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!array.get(i).isTextual()) {
        answers.error(ctx, 400, field + "[" + i + "]: not a string");
        return null;
      }
      out.add(array.get(i).asText());
    }
    return out;
  }

  private Paging paging(RoutingContext ctx) {
    try {
      return Paging.parse(ctx.request().getParam("limit"), ctx.request().getParam("continue"));
    } catch (IllegalArgumentException e) {
      answers.error(ctx, 400, e.getMessage());
      return null;
    }
  }

  private <T> void list(RoutingContext ctx, Paging paging, List<T> all) {
    Paging.Page<T> page = paging.apply(all);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items());
    body.put("continue", page.next());
    body.put("total", page.total());
    answers.json(ctx, 200, body);
  }

  private static String param(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null ? "" : value.strip();
  }
}
