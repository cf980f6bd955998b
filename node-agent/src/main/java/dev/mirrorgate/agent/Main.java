package dev.mirrorgate.agent;

import dev.mirrorgate.agent.cli.ApplyCommand;
import dev.mirrorgate.agent.cli.CleanupCommand;
import dev.mirrorgate.agent.cli.ExitCodes;
import dev.mirrorgate.agent.cli.MapCheckCommand;
import dev.mirrorgate.agent.cli.RunCommand;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The composition root of the node agent. */
@Command(
    name = "mirrorgate-node-agent",
    mixinStandardHelpOptions = true,
    description = "Makes this node reach and trust the mirrorgate registry mirrors.")
public final class Main {

  public static void main(String[] args) {
    Log log = new Log(System.err, Clock.systemUTC());
    int status;
    try {
      status = commandLine(log).execute(args);
    } catch (Throwable e) { // picocli passes Errors on: an OutOfMemoryError ends here
      status = failed(log, "", e);
    }
    System.exit(status);
  }

  /**
   * Whatever a command did not expect is one log line and the documented status for a failure on
   * the node (3), not a stack trace and the JVM's 1, which means "map-check found differences".
   */
  static int failed(Log log, String command, Throwable e) {
    log.error(
        "failed",
        "command",
        command,
        "error",
        e instanceof Error || e.getMessage() == null ? e.toString() : e.getMessage());
    return ExitCodes.NODE_ERROR;
  }

  public static CommandLine commandLine(Log log) {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand(new ApplyCommand(log));
    cl.addSubcommand(new CleanupCommand(log));
    cl.addSubcommand(new MapCheckCommand(log));
    cl.addSubcommand(new RunCommand(log));
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> failed(log, cmd.getCommandName(), e));
    return cl;
  }
}
