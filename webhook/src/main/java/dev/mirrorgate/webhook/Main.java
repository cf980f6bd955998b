package dev.mirrorgate.webhook;

import dev.mirrorgate.webhook.cli.CertsCommand;
import dev.mirrorgate.webhook.cli.ControllerCommand;
import dev.mirrorgate.webhook.cli.ExplainCommand;
import dev.mirrorgate.webhook.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code mirrorgate-webhook.jar}. */
@Command(
    name = "mirrorgate-webhook.jar",
    description = "Rewrites Pod images to registry mirrors at admission.",
    mixinStandardHelpOptions = true,
    version = "mirrorgate-webhook 0.1.0",
    subcommands = {
      ServeCommand.class,
      ControllerCommand.class,
      ExplainCommand.class,
      dev.mirrorgate.webhook.cli.ExplainUpdateCommand.class,
      CertsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
