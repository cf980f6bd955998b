package dev.mirrorgate.agent;

import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.plan.ContainerdConfigCheck;
import dev.mirrorgate.agent.plan.NodePlan;
import dev.mirrorgate.agent.plan.NodePlanner;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.agent.write.ApplyReport;
import dev.mirrorgate.agent.write.NodeWriter;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The apply step shared by every command: a mirrors document (from a file, or later a ConfigMap
 * informer) in, node files out. Knows the outputs to write and reports what it did.
 */
public final class NodeAgent {

  private final Path hostRoot;
  private final FileOps ops;
  private final NodeWriter writer;
  private final Supplier<Set<Output>> outputs;
  private final Log log;

  public NodeAgent(Path hostRoot, FileOps ops, Supplier<Set<Output>> outputs, Log log) {
    this.hostRoot = hostRoot;
    this.ops = ops;
    this.writer = new NodeWriter(hostRoot, ops);
    this.outputs = outputs;
    this.log = log;
  }

  public NodePlan plan(MirrorsDocument doc) {
    return NodePlanner.plan(doc, outputs.get());
  }

  public ApplyReport apply(MirrorsDocument doc) throws IOException {
    Set<Output> out = outputs.get();
    long t0 = System.nanoTime();
    ApplyReport report = writer.apply(NodePlanner.plan(doc, out));
    if (report.changed()) {
      logApplied(doc, out, report, t0);
    }
    return report;
  }

  private void logApplied(MirrorsDocument doc, Set<Output> out, ApplyReport report, long t0) {
    log.info(
        "applied",
        "applyMs",
        (System.nanoTime() - t0) / 1_000_000,
        "mirrors",
        doc.mirrors().size(),
        "outputs",
        out,
        "written",
        report.written(),
        "removed",
        report.removed(),
        "backedUp",
        report.backedUp());
  }

  public List<String> differences(MirrorsDocument doc) throws IOException {
    return writer.differences(plan(doc));
  }

  public ApplyReport cleanup() throws IOException {
    ApplyReport report = writer.cleanup();
    log.info("cleaned up", "restored", report.written(), "removed", report.removed());
    return report;
  }

  /** A containerd problem worth a warning (hosts.toml ignored), when containerd is an output. */
  public Optional<String> containerdProblem() throws IOException {
    if (!outputs.get().contains(Output.CONTAINERD)) {
      return Optional.empty();
    }
    Optional<String> config =
        ops.read(hostRoot.resolve("etc/containerd/config.toml"))
            .map(b -> new String(b, StandardCharsets.UTF_8));
    return ContainerdConfigCheck.problem(config);
  }

  /**
   * Applies unless a cleanup ran since the agent's last apply (see {@link
   * NodeWriter#applyUnlessCleanedUp}); empty in that case.
   */
  public Optional<ApplyReport> applyUnlessCleanedUp(MirrorsDocument doc, boolean stateExpected)
      throws IOException {
    Set<Output> out = outputs.get();
    long t0 = System.nanoTime();
    Optional<ApplyReport> report =
        writer.applyUnlessCleanedUp(NodePlanner.plan(doc, out), stateExpected);
    report.filter(ApplyReport::changed).ifPresent(r -> logApplied(doc, out, r, t0));
    return report;
  }

  public boolean hasState() throws IOException {
    return writer.hasState();
  }

  public Path hostRoot() {
    return hostRoot;
  }
}
