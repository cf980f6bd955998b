package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.agent.plan.OutputDetector;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
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

  static final class OutputConverter implements picocli.CommandLine.ITypeConverter<Output> {
    @Override
    public Output convert(String value) {
      return Output.parse(value);
    }
  }

  Set<Output> outputs() {
    return outputs == null || outputs.isEmpty()
        ? OutputDetector.detect(hostRoot)
        : EnumSet.copyOf(outputs);
  }

  NodeAgent agent(Log log) {
    Set<Output> fixed = outputs == null || outputs.isEmpty() ? null : EnumSet.copyOf(outputs);
    return new NodeAgent(
        hostRoot,
        new PosixFileOps(),
        () -> fixed != null ? fixed : OutputDetector.detect(hostRoot),
        log);
  }
}
