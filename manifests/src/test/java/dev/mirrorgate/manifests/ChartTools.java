package dev.mirrorgate.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.testing.Prerequisites;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code helm} and {@code kustomize}, built from their Go modules by {@code .ci/chart-bins}: from
 * {@code MIRRORGATE_CHART_BINS} when set, else the script's last line (it builds them once, about 3
 * minutes on 2 cores, and caches them). Without them a test is skipped, or fails when {@code
 * CI=true}. Helm runs with its cache, configuration and data in a temporary directory.
 */
final class ChartTools {
  static final String ENV = "MIRRORGATE_CHART_BINS";
  static final Path CHART = Path.of("helm", "mirrorgate");
  private static final String HOW_TO_BUILD =
      "build them with `bash .ci/chart-bins` (about 3 minutes the first time, cached under"
          + " ~/.cache/mirrorgate) and export "
          + ENV
          + "=\"$(bash .ci/chart-bins | tail -n1)\"";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static ChartTools found;

  private final Path dir;
  private final Path helmHome;

  /** What a command printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    Result orFail(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  private ChartTools(Path dir) throws IOException {
    this.dir = dir;
    this.helmHome = Files.createTempDirectory("mirrorgate-helm");
    helmHome.toFile().deleteOnExit();
  }

  /** The tools, or the test is skipped (fails under CI=true) with what to do. */
  static synchronized ChartTools require() {
    if (found == null) {
      try {
        found = new ChartTools(locate());
      } catch (IOException | IllegalStateException e) {
        String message = "no helm/kustomize: " + e.getMessage() + "; " + HOW_TO_BUILD;
        Prerequisites.missing("ChartTools", null, message, e);
      }
    }
    return found;
  }

  private static Path locate() throws IOException {
    String fromEnv = System.getenv(ENV);
    Path dir;
    if (fromEnv != null && !fromEnv.isBlank()) {
      dir = Path.of(fromEnv.strip());
    } else {
      Path script = Path.of("..", ".ci", "chart-bins");
      if (!Files.isRegularFile(script)) {
        throw new IllegalStateException(ENV + " is not set and there is no " + script);
      }
      Result result = run(List.of("bash", script.toString()), Map.of(), 30);
      if (result.exitCode() != 0 || result.stdout().isBlank()) {
        throw new IllegalStateException(script + " failed: " + tail(result.stderr(), 5));
      }
      List<String> lines = result.stdout().lines().filter(l -> !l.isBlank()).toList();
      dir = Path.of(lines.get(lines.size() - 1).strip());
    }
    for (String binary : List.of("helm", "kustomize")) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        throw new IllegalStateException("no executable " + binary + " in " + dir);
      }
    }
    return dir;
  }

  /** {@code helm ARGS...}, with Helm's own directories in a temporary directory. */
  Result helm(List<String> args) {
    return helm(args, Map.of());
  }

  Result helm(List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(dir.resolve("helm").toString()));
    command.addAll(args);
    var environment = new java.util.HashMap<>(env);
    environment.put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
    environment.put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
    environment.put("HELM_DATA_HOME", helmHome.resolve("data").toString());
    try {
      return run(command, environment, 5);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm template mirrorgate CHART -n NAMESPACE EXTRA...}, parsed; fails on an error. */
  List<Manifest> template(String namespace, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("template", "mirrorgate", CHART.toString()));
    args.addAll(List.of("--namespace", namespace));
    args.addAll(extra);
    Result result = helm(args).orFail("helm " + String.join(" ", args));
    return parse(CHART, result.stdout());
  }

  /** {@code kustomize build DIRECTORY}, parsed; fails on an error. */
  List<Manifest> kustomize(Path directory) {
    try {
      Result result =
          run(
                  List.of(dir.resolve("kustomize").toString(), "build", directory.toString()),
                  Map.of(),
                  5)
              .orFail("kustomize build " + directory);
      return parse(directory, result.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Manifest> parse(Path source, String yaml) {
    List<Manifest> objects = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          objects.add(new Manifest(source, doc));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": rendered YAML does not parse", e);
    }
    return objects;
  }

  static Result run(List<String> command, Map<String, String> env, int timeoutMinutes)
      throws IOException {
    Path out = Files.createTempFile("chart-tools", ".out");
    Path err = Files.createTempFile("chart-tools", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish in " + timeoutMinutes + " minutes");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
