package dev.mirrorgate.agent;

import dev.mirrorgate.agent.cli.ApplyCommand;
import dev.mirrorgate.agent.cli.CleanupCommand;
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
    System.exit(commandLine(new Log(System.err, Clock.systemUTC())).execute(args));
  }

  public static CommandLine commandLine(Log log) {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand(new ApplyCommand(log));
    cl.addSubcommand(new CleanupCommand(log));
    cl.addSubcommand(new MapCheckCommand(log));
    cl.addSubcommand(new RunCommand(log));
    return cl;
  }
}
