package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.HostRoot;
import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.agent.plan.OutputDetector;
import dev.mirrorgate.agent.run.DocumentRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/** Options every node command shares. */
public final class NodeOptions {

  @Option(
      names = "--host-root",
      defaultValue = "/",
      description = "Where the node's root is mounted (default: ${DEFAULT-VALUE}).")
  Path hostRoot;

  @Option(
      names = "--outputs",
      split = ",",
      converter = OutputConverter.class,
      description =
          "Outputs to write: hosts, containerd, docker, containers (default: detected from the"
              + " node: hosts, plus each runtime whose /etc directory exists).")
  List<Output> outputs;

  private final FileOps ops = new PosixFileOps();

  static final class OutputConverter implements picocli.CommandLine.ITypeConverter<Output> {
    @Override
    public Output convert(String value) {
      return Output.parse(value);
    }
  }

  NodeAgent agent(Log log) {
    Set<Output> fixed = outputs == null || outputs.isEmpty() ? null : EnumSet.copyOf(outputs);
    HostRoot root = new HostRoot(hostRoot, ops);
    return new NodeAgent(
        hostRoot, ops, () -> fixed != null ? fixed : OutputDetector.detect(root::isDirectory), log);
  }

  /** How this node reads a mirrors document: the shipped limits and its own names. */
  DocumentRules documentRules(Map<String, String> environment) {
    return DocumentRules.forNode(nodeNames(environment, new HostRoot(hostRoot, ops)));
  }

  /**
   * The names of this node, which no masquerade may take: {@code NODE_NAME} (the DaemonSet's
   * downward API) and the first line of the node's {@code /etc/hostname}.
   */
  static Set<String> nodeNames(Map<String, String> environment, HostRoot root) {
    Set<String> names = new LinkedHashSet<>();
    String node = environment.get("NODE_NAME");
    if (node != null && !node.isBlank()) {
      names.add(node.strip());
    }
    try {
      Optional<byte[]> file = root.ops().read(root.resolve("etc/hostname", true), 4096);
      if (file.isPresent()) {
        String text = new String(file.get(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String host = (nl < 0 ? text : text.substring(0, nl)).strip();
        if (!host.isEmpty()) {
          names.add(host);
        }
      }
    } catch (IOException e) {
      // no readable /etc/hostname: NODE_NAME is what there is
    }
    return names;
  }
}
