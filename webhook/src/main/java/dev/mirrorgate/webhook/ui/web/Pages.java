package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.data.Explanation;
import dev.mirrorgate.webhook.ui.data.MappingExplainer;
import dev.mirrorgate.webhook.ui.data.UiData;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import dev.mirrorgate.webhook.ui.data.VoteException;
import dev.mirrorgate.webhook.ui.web.PageModels.ApprovalsPage;
import dev.mirrorgate.webhook.ui.web.PageModels.HistoryPage;
import dev.mirrorgate.webhook.ui.web.PageModels.OverviewPage;
import dev.mirrorgate.webhook.ui.web.PageModels.SimulatePage;
import dev.mirrorgate.webhook.ui.web.PageModels.WorkloadsPage;
import dev.mirrorgate.webhook.ui.web.Rows.ApprovalRow;
import dev.mirrorgate.webhook.ui.web.Rows.DecisionRow;
import dev.mirrorgate.webhook.ui.web.Rows.Pager;
import dev.mirrorgate.webhook.ui.web.Rows.WorkloadRow;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The HTML pages: Overview, Workloads, Approvals, History, Simulate, and their form posts. */
final class Pages {
  static final int MAX_LINES = 100;
  static final int DECISIONS_SHOWN = 100;

  private final UiData data;
  private final Answers answers;
  private final Frames frames;
  private final Voting voting;

  Pages(UiData data, Answers answers, Frames frames, Voting voting) {
    this.data = data;
    this.answers = answers;
    this.frames = frames;
    this.voting = voting;
  }

  void overview(RoutingContext ctx) {
    List<DecisionRow> latest =
        data.decisions().recent().stream().limit(10).map(DecisionRow::of).toList();
    answers.page(
        ctx,
        200,
        "overview.jte",
        new OverviewPage(
            frames.of(ctx, "Overview", "overview", true),
            data.mirrors().get(),
            data.registries().get(),
            latest,
            data.updates().pending().size(),
            data.workloads().all().size(),
            data.workloads().ready()));
  }

  void workloads(RoutingContext ctx) {
    String namespace = param(ctx, "namespace");
    String query = param(ctx, "q");
    List<Views.Joined> joined =
        Views.workloads(
            data.workloads().all(), data.decisions().recent(), data.updates(), namespace, query);
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("namespace", namespace);
    filters.put("q", query);
    Pager pager = Pager.of(joined, page(ctx), Links.query("/workloads", filters));
    List<WorkloadRow> rows =
        pager.slice(joined).stream()
            .map(j -> WorkloadRow.of(j.workload(), j.last(), j.pending()))
            .toList();
    answers.page(
        ctx,
        200,
        "workloads.jte",
        new WorkloadsPage(
            frames.of(ctx, "Workloads", "workloads", true),
            rows,
            namespace,
            query,
            pager,
            data.workloads().ready()));
  }

  void approvals(RoutingContext ctx) {
    Caller caller = Frames.caller(ctx);
    List<UpdateView> pending = data.updates().pending();
    Pager pager = Pager.of(pending, page(ctx), "/approvals");
    List<ApprovalRow> rows =
        pager.slice(pending).stream().map(u -> ApprovalRow.of(u, caller.user())).toList();
    answers.page(
        ctx,
        200,
        "approvals.jte",
        new ApprovalsPage(frames.of(ctx, "Approvals", "approvals", true), rows, pager));
  }

  void history(RoutingContext ctx) {
    String namespace = param(ctx, "namespace");
    String workload = param(ctx, "workload");
    String phase = param(ctx, "phase");
    List<String> finished =
        UpdateView.PHASES.stream()
            .filter(p -> !p.equals("Pending") && !p.equals("Approved"))
            .toList();
    if (!phase.isEmpty() && !UpdateView.PHASES.contains(phase)) {
      answers.error(
          ctx,
          400,
          "phase: \"" + phase + "\" is not one of " + String.join(", ", UpdateView.PHASES));
      return;
    }
    List<UpdateView> matching =
        data.updates()
            .query(namespace, workload, phase.isEmpty() ? Set.copyOf(finished) : Set.of(phase));
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("namespace", namespace);
    filters.put("workload", workload);
    filters.put("phase", phase);
    Pager pager = Pager.of(matching, page(ctx), Links.query("/history", filters));
    List<DecisionRow> decisions =
        Views.decisions(data.decisions().recent(), namespace, workload).stream()
            .limit(DECISIONS_SHOWN)
            .map(DecisionRow::of)
            .toList();
    answers.page(
        ctx,
        200,
        "history.jte",
        new HistoryPage(
            frames.of(ctx, "History", "history", true),
            pager.slice(matching),
            pager,
            decisions,
            namespace,
            workload,
            phase,
            UpdateView.PHASES));
  }

  void simulateForm(RoutingContext ctx) {
    answers.page(ctx, 200, "simulate.jte", simulatePage(ctx, "", List.of(), null, "", null));
  }

  /** POST /simulate: the pushed references of the form, simulated when all are valid. */
  void simulate(RoutingContext ctx) {
    String text = form(ctx, "pushed");
    List<String> errors = new ArrayList<>();
    List<ImageReference> pushed = references(text, errors);
    if (pushed.isEmpty() && errors.isEmpty()) {
      errors.add("enter at least one image reference");
    }
    if (!errors.isEmpty()) {
      answers.page(ctx, 400, "simulate.jte", simulatePage(ctx, text, errors, null, "", null));
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
              List<DecisionRow> rows = done.result().stream().map(DecisionRow::of).toList();
              answers.page(
                  ctx, 200, "simulate.jte", simulatePage(ctx, text, List.of(), rows, "", null));
            });
  }

  /** POST /explain: how the mapping rewrites each image of the form. */
  void explain(RoutingContext ctx) {
    String text = form(ctx, "images");
    List<String> lines = lines(text);
    if (lines.size() > MAX_LINES) {
      answers.error(ctx, 400, "at most " + MAX_LINES + " images at once");
      return;
    }
    List<Explanation> explanations = lines.stream().map(data.mapping()::explain).toList();
    answers.page(
        ctx, 200, "simulate.jte", simulatePage(ctx, "", List.of(), null, text, explanations));
  }

  /** POST /approvals/{namespace}/{name}/{approve|reject}: the form's vote, then the list again. */
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
              String message;
              if (done.succeeded()) {
                message = done.result().message();
              } else if (done.cause() instanceof VoteException e) {
                message = "Not recorded: " + e.getMessage();
              } else {
                ctx.fail(done.cause());
                return;
              }
              if (caller.session() != null) {
                caller.session().flash(message);
              }
              answers.redirect(ctx, "/approvals");
            });
  }

  private SimulatePage simulatePage(
      RoutingContext ctx,
      String pushed,
      List<String> errors,
      List<DecisionRow> decisions,
      String images,
      List<Explanation> explanations) {
    MappingExplainer.State mapping = data.mapping().state();
    return new SimulatePage(
        frames.of(ctx, "Simulate", "simulate", false),
        pushed,
        errors,
        decisions,
        images,
        explanations,
        mapping.origin(),
        mapping.errors());
  }

  /** The image references of {@code text}, one per line; every bad line is an error. */
  static List<ImageReference> references(String text, List<String> errors) {
    List<String> lines = lines(text);
    if (lines.size() > MAX_LINES) {
      errors.add("at most " + MAX_LINES + " references at once");
      return List.of();
    }
    List<ImageReference> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      try {
        out.add(ImageReference.parse(lines.get(i)));
      } catch (InvalidImageReferenceException e) {
        errors.add("line " + (i + 1) + ": \"" + lines.get(i) + "\": " + e.reason());
      }
    }
    return out;
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static String form(RoutingContext ctx, String field) {
    String value = ctx.request().getFormAttribute(field);
    return value == null ? "" : value;
  }

  private static String param(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null ? "" : value.strip();
  }

  private static int page(RoutingContext ctx) {
    try {
      return Integer.parseInt(param(ctx, "page"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
