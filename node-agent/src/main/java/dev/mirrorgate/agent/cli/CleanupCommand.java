package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "cleanup",
    description =
        "Remove every managed block and file and restore the backed-up originals byte for byte.")
public final class CleanupCommand implements Callable<Integer> {

  @Mixin NodeOptions node;

  private final Log log;

  public CleanupCommand(Log log) {
    this.log = log;
  }

  @Override
  public Integer call() {
    try {
      node.agent(log).cleanup();
      return ExitCodes.OK;
    } catch (IOException e) {
      log.error("cleanup failed", "error", e.getMessage());
      return ExitCodes.NODE_ERROR;
    }
  }
}
