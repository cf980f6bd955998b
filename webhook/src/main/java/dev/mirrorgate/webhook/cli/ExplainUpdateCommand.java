package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.update.AnnotationProblem;
import dev.mirrorgate.common.update.NotAWorkloadException;
import dev.mirrorgate.common.update.UpdateDecision;
import dev.mirrorgate.common.update.Window;
import dev.mirrorgate.common.update.Workload;
import dev.mirrorgate.common.update.WorkloadTracker;
import dev.mirrorgate.common.update.WorkloadTracking;
import dev.mirrorgate.common.update.WorkloadUpdates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code explain-update -f WORKLOAD.yaml [--pushed REF]... [--available REF]...}: what
 * push-to-deploy would do to each container of a workload, one JSON object per line, without a
 * cluster.
 */
@Command(
    name = "explain-update",
    description = {
      "Shows what push-to-deploy would do to each container of a workload (containers, then init"
          + " containers): one JSON object per line, {\"container\",\"image\",\"policy\","
          + "\"trigger\",\"update\",\"reason\"}. Problems with the workload's annotations go to"
          + " stderr.",
      "Exit status: 0, or 2 when the file is not a workload."
    },
    mixinStandardHelpOptions = true)
public final class ExplainUpdateCommand implements Callable<Integer> {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "WORKLOAD.yaml",
      description = "a Deployment, StatefulSet, DaemonSet or CronJob (YAML or JSON)")
  Path file;

  @Option(
      names = "--pushed",
      paramLabel = "REF",
      description =
          "an image pushed (host/repo:tag or host/repo:tag@sha256:...); in order, one coalescing"
              + " window")
  List<String> pushed = new ArrayList<>();

  @Option(
      names = "--available",
      paramLabel = "REF",
      description = "an image the registry lists (same form), for poll-triggered containers")
  List<String> available = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Window pushedWindow = Window.pushed(references("--pushed", pushed));
    Window listedWindow = Window.listed(references("--available", available));
    Workload workload;
    try {
      workload = Workload.of(document(file));
    } catch (NotAWorkloadException e) {
      err.println(file + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    WorkloadTracking tracking = WorkloadTracker.track(workload);
    for (AnnotationProblem p : tracking.problems()) {
      err.println(
          file
              + ": "
              + (p.severity() == AnnotationProblem.Severity.INVALID ? "invalid " : "warning ")
              + p.message());
    }
    for (UpdateDecision d : WorkloadUpdates.decide(tracking, pushedWindow, listedWindow)) {
      out.println(JSON.writeValueAsString(line(d)));
    }
    out.flush();
    err.flush();
    return 0;
  }

  /** The file's one document; anything else is "not a workload". */
  private static JsonNode document(Path file) throws NotAWorkloadException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          documents.add(doc);
        }
      }
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new NotAWorkloadException(
          (loc == null ? "" : "line " + loc.getLineNr() + ": ")
              + "not valid YAML: "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new NotAWorkloadException("cannot read: " + e.getMessage());
    }
    if (documents.size() != 1) {
      throw new NotAWorkloadException(
          "holds "
              + documents.size()
              + " documents; explain-update takes a file with one workload");
    }
    return documents.get(0);
  }

  private List<ImageReference> references(String option, List<String> refs) {
    List<ImageReference> out = new ArrayList<>();
    for (String ref : refs) {
      try {
        out.add(ImageReference.parse(ref));
      } catch (InvalidImageReferenceException e) {
        throw new ParameterException(spec.commandLine(), option + " " + ref + ": " + e.reason());
      }
    }
    return out;
  }

  /** {@code {"container","image","policy","trigger","update","reason"}}. */
  static ObjectNode line(UpdateDecision d) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("container", d.container());
    line.put("image", d.image());
    line.put("policy", d.policy());
    line.put("trigger", d.trigger());
    line.put("update", d.update());
    line.put("reason", d.reason());
    return line;
  }
}
