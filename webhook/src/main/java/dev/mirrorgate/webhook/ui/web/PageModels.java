package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.data.Explanation;
import dev.mirrorgate.webhook.ui.data.MirrorView;
import dev.mirrorgate.webhook.ui.data.RegistryView;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import dev.mirrorgate.webhook.ui.web.Rows.ApprovalRow;
import dev.mirrorgate.webhook.ui.web.Rows.DecisionRow;
import dev.mirrorgate.webhook.ui.web.Rows.Pager;
import dev.mirrorgate.webhook.ui.web.Rows.WorkloadRow;
import java.util.List;

/** The one parameter of each page template. */
public final class PageModels {
  private PageModels() {}

  /** The login form; {@code error} says why the last try failed. */
  public record LoginPage(Frame frame, String error, String user, String next, String loginToken) {}

  public record OverviewPage(
      Frame frame,
      List<MirrorView> mirrors,
      List<RegistryView> registries,
      List<DecisionRow> decisions,
      int pending,
      int tracked,
      boolean indexReady) {}

  public record WorkloadsPage(
      Frame frame,
      List<WorkloadRow> rows,
      String namespace,
      String query,
      Pager pager,
      boolean indexReady) {}

  public record ApprovalsPage(Frame frame, List<ApprovalRow> rows, Pager pager) {}

  public record HistoryPage(
      Frame frame,
      List<UpdateView> updates,
      Pager pager,
      List<DecisionRow> decisions,
      String namespace,
      String workload,
      String phase,
      List<String> phases) {}

  /**
   * The dry run: {@code decisions} null until a simulation ran, {@code explanations} null until
   * images were explained.
   */
  public record SimulatePage(
      Frame frame,
      String pushed,
      List<String> pushedErrors,
      List<DecisionRow> decisions,
      String images,
      List<Explanation> explanations,
      String mappingOrigin,
      List<String> mappingErrors) {}

  public record ErrorPage(Frame frame, int status, String message) {}
}
