package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.webhook.mapping.MappingLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code explain [--mapping FILE] [--] IMAGE...}: one JSON object per image, in order. */
@Command(
    name = "explain",
    description = {
      "Shows what the webhook does with each IMAGE and why: one JSON object per line.",
      "Exit status: 0 when every image is valid, 1 when any is invalid, 2 on a bad mapping."
    },
    mixinStandardHelpOptions = true)
public final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      description =
          "mapping.yaml (or an ImageSwap file named maps); without it nothing is rewritten")
  Path mapping;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "image references")
  List<String> images;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Mapping rules = Mapping.empty();
    if (mapping != null) {
      try {
        rules =
            new MappingLoader(Clock.systemUTC())
                .fromFile(mapping, Files.readAllBytes(mapping))
                .mapping();
      } catch (MappingException e) {
        e.errors().forEach(err::println);
        return 2;
      } catch (IOException e) {
        err.println("cannot read " + mapping + ": " + e.getMessage());
        return 2;
      }
    }
    ObjectMapper json = new ObjectMapper();
    boolean anyInvalid = false;
    for (String image : images) {
      ObjectNode line = Explanation.of(image, rules);
      anyInvalid |= line.has("error");
      out.println(json.writeValueAsString(line));
    }
    out.flush();
    return anyInvalid ? 1 : 0;
  }
}
