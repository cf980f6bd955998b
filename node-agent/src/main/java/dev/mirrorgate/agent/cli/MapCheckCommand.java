package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.files.NodeFileException;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "map-check",
    description =
        "Exit non-zero when the node's files differ from the mirrors document (a livenessProbe).")
public final class MapCheckCommand implements Callable<Integer> {

  @Mixin NodeOptions node;

  @Option(names = "--mirrors", required = true, description = "The current mirrors.yaml.")
  Path mirrors;

  private final Log log;

  public MapCheckCommand(Log log) {
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
    try {
      List<String> diffs = node.agent(log).differences(doc);
      if (diffs.isEmpty()) {
        return ExitCodes.OK;
      }
      log.warn("node differs from the mirrors document", "differences", diffs);
      return ExitCodes.DIFFERS;
    } catch (IOException e) {
      log.error("map-check failed", "error", e.getMessage());
      return ExitCodes.NODE_ERROR;
    }
  }
}
