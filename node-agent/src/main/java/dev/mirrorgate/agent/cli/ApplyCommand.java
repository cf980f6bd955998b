package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.files.NodeFileException;
import dev.mirrorgate.agent.write.ApplyReport;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    description = "Write the node files for a mirrors document once, then exit.")
public final class ApplyCommand implements Callable<Integer> {

  @Mixin NodeOptions node;

  @Option(names = "--mirrors", required = true, description = "The mirrors.yaml to apply.")
  Path mirrors;

  private final Log log;

  public ApplyCommand(Log log) {
    this.log = log;
  }

  @Override
  public Integer call() {
    MirrorsDocument doc;
    try {
      doc = MirrorsFile.read(mirrors, node.documentRules(System.getenv()));
    } catch (InvalidMirrorsDocumentException e) {
      log.error("invalid mirrors document", "errors", e.errors());
      return ExitCodes.INVALID_MIRRORS;
    } catch (IOException e) {
      log.error(
          "cannot read mirrors document", "file", mirrors, "error", NodeFileException.reason(e));
      return ExitCodes.INVALID_MIRRORS;
    }
    NodeAgent agent = node.agent(log);
    try {
      agent
          .containerdProblem()
          .ifPresent(p -> log.warn("containerd ignores hosts.toml", "problem", p));
      ApplyReport report = agent.apply(doc);
      if (!report.changed()) {
        log.info("node already up to date", "mirrors", doc.mirrors().size());
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      log.error("apply failed", "error", e.getMessage());
      return ExitCodes.NODE_ERROR;
    }
  }
}
