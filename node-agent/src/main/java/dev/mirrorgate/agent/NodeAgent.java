package dev.mirrorgate.agent;

import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.HostRoot;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The apply step shared by every command: a mirrors document (from a file or the ConfigMap) in,
 * node files out. Knows the outputs to write and reports what it did.
 */
public final class NodeAgent {

  /** The largest containerd config.toml read for its check. */
  static final int MAX_CONTAINERD_CONFIG = 1024 * 1024;

  private final HostRoot root;
  private final NodeWriter writer;
  private final Supplier<Set<Output>> outputs;
  private final Log log;

  public NodeAgent(Path hostRoot, FileOps ops, Supplier<Set<Output>> outputs, Log log) {
    this.root = new HostRoot(hostRoot, ops);
    this.writer = new NodeWriter(root, Limits.HOSTS_FILE_BYTES);
    this.outputs = outputs;
    this.log = log;
  }

  public NodePlan plan(MirrorsDocument doc) {
    return NodePlanner.plan(doc, outputs.get());
  }

  public ApplyReport apply(MirrorsDocument doc) throws IOException {
    long t0 = System.nanoTime();
    NodePlan plan = plan(doc);
    ApplyReport report = writer.apply(plan);
    if (report.changed()) {
      logApplied(doc, report, t0);
    }
    return report;
  }

  private void logApplied(MirrorsDocument doc, ApplyReport report, long t0) {
    log.info(
        "applied",
        "applyMs",
        (System.nanoTime() - t0) / 1_000_000,
        "mirrors",
        doc.mirrors().size(),
        "outputs",
        outputs.get(),
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

  /**
   * A containerd problem worth a warning (hosts.toml ignored), when containerd is an output. A
   * config that cannot be read is such a problem; it never fails an apply.
   */
  public Optional<String> containerdProblem() {
    if (!outputs.get().contains(Output.CONTAINERD)) {
      return Optional.empty();
    }
    try {
      Optional<String> config =
          root.ops()
              .read(root.resolve("etc/containerd/config.toml", true), MAX_CONTAINERD_CONFIG)
              .map(b -> new String(b, StandardCharsets.UTF_8));
      return ContainerdConfigCheck.problem(config);
    } catch (IOException e) {
      return Optional.of("containerd: cannot check its config: " + e.getMessage());
    }
  }

  /**
   * Applies {@code plan} (of {@code doc}) unless a cleanup ran since the agent's last apply (see
   * {@link NodeWriter#applyUnlessCleanedUp}); empty in that case.
   */
  public Optional<NodeWriter.Applied> applyUnlessCleanedUp(
      MirrorsDocument doc, NodePlan plan, boolean stateExpected) throws IOException {
    long t0 = System.nanoTime();
    Optional<NodeWriter.Applied> applied = writer.applyUnlessCleanedUp(plan, stateExpected);
    applied
        .map(NodeWriter.Applied::report)
        .filter(ApplyReport::changed)
        .ifPresent(r -> logApplied(doc, r, t0));
    return applied;
  }

  /**
   * The directories whose changes may mean drift, as node paths: {@code etc}, the state directory,
   * then the directory of each file of {@code plan}, at most {@code max} of them.
   */
  public Set<String> directoriesToWatch(NodePlan plan, int max) {
    Set<String> rels = new LinkedHashSet<>();
    rels.add("etc");
    rels.add(NodeWriter.STATE_DIR);
    for (String file : plan.files().keySet()) {
      if (rels.size() >= max) {
        break;
      }
      rels.add(file.substring(0, file.lastIndexOf('/')));
    }
    return rels;
  }

  /** How many directories hold the files of {@code plan}. */
  public static int directories(NodePlan plan) {
    int n = 0;
    String last = null;
    for (String file : plan.files().keySet()) { // sorted: a directory's files come together
      String dir = file.substring(0, file.lastIndexOf('/'));
      if (!dir.equals(last)) {
        n++;
        last = dir;
      }
    }
    return n;
  }

  /** The directory {@code rel}, resolved inside the host root; empty when it is none. */
  public Optional<Path> directory(String rel) {
    try {
      Path dir = root.resolve(rel, true);
      return root.ops().kind(dir) == FileOps.Kind.DIRECTORY ? Optional.of(dir) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public HostRoot hostRoot() {
    return root;
  }
}
