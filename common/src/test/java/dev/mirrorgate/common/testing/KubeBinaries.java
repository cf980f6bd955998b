package dev.mirrorgate.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds {@code kube-apiserver} and {@code etcd}: {@code MIRRORGATE_K8S_BINS} when set, else the
 * last line {@code .ci/k8s-bins} prints (it builds them once and caches them).
 */
final class KubeBinaries {
  static final String ENV = "MIRRORGATE_K8S_BINS";
  static final String HOW_TO_BUILD =
      "build them with `bash .ci/k8s-bins` (about 10 minutes on 2 cores the first time, cached"
          + " under ~/.cache/mirrorgate) and export "
          + ENV
          + "=\"$(bash .ci/k8s-bins | tail -n1)\"";

  private KubeBinaries() {}

  /** The directory holding both binaries, or why there is none. */
  static Path find() throws NotFound {
    String fromEnv = System.getenv(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return check(Path.of(fromEnv.strip()), ENV + "=" + fromEnv);
    }
    Path script =
        repositoryRoot()
            .orElseThrow(
                () ->
                    new NotFound(
                        ENV
                            + " is not set and no .ci/k8s-bins above "
                            + Path.of("").toAbsolutePath()))
            .resolve(".ci/k8s-bins");
    return check(runScript(script), script.toString());
  }

  static final String NODE_ENV = "MIRRORGATE_NODE_BINS";
  static final String PAUSE_ENV = "MIRRORGATE_PAUSE_IMAGE";
  static final String HOW_TO_BUILD_NODE =
      "build them with `bash .ci/k8s-bins node` (about 4 minutes on 2 cores the first time, cached"
          + " under ~/.cache/mirrorgate) and export "
          + NODE_ENV
          + "=\"$(bash .ci/k8s-bins node | tail -n1)\"";
  static final String HOW_TO_BUILD_PAUSE =
      "build it with `bash .ci/pause-image` (gcc -static, seconds) and export "
          + PAUSE_ENV
          + "=\"$(bash .ci/pause-image | tail -n1)\"";

  /**
   * The directory holding kubelet, kube-controller-manager, kube-scheduler and kubectl: {@code
   * MIRRORGATE_NODE_BINS} when set, else the last line {@code .ci/k8s-bins node} prints.
   */
  static Path findNode() throws NotFound {
    Path dir = fromEnvOrScript(NODE_ENV, ".ci/k8s-bins", "node");
    for (String binary :
        List.of("kubelet", "kube-controller-manager", "kube-scheduler", "kubectl")) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        throw new NotFound("no executable " + binary + " in " + dir);
      }
    }
    return dir;
  }

  /**
   * The pause image tarball: {@code MIRRORGATE_PAUSE_IMAGE} when set, else the last line {@code
   * .ci/pause-image} prints.
   */
  static Path findPauseImage() throws NotFound {
    Path tar = fromEnvOrScript(PAUSE_ENV, ".ci/pause-image");
    if (!Files.isRegularFile(tar)) {
      throw new NotFound("no pause image tarball " + tar);
    }
    return tar;
  }

  private static Path fromEnvOrScript(String env, String script, String... args) throws NotFound {
    String fromEnv = System.getenv(env);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.strip());
    }
    Path path =
        repositoryRoot()
            .orElseThrow(
                () ->
                    new NotFound(
                        env + " is not set and no .ci above " + Path.of("").toAbsolutePath()))
            .resolve(script);
    return runScript(path, args);
  }

  private static Optional<Path> repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(".ci/k8s-bins"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static Path runScript(Path script, String... args) throws NotFound {
    try {
      Path err = Files.createTempFile("k8s-bins", ".log");
      try {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process process =
            new ProcessBuilder(command)
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new NotFound(script + " did not finish in 30 minutes");
        }
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        if (process.exitValue() != 0 || lines.isEmpty()) {
          List<String> log = Files.readAllLines(err);
          throw new NotFound(
              script
                  + " failed (exit "
                  + process.exitValue()
                  + "): "
                  + String.join("\n", log.subList(Math.max(0, log.size() - 5), log.size())));
        }
        return Path.of(lines.get(lines.size() - 1).strip());
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new NotFound("cannot run " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotFound("interrupted while running " + script);
    }
  }

  private static Path check(Path dir, String from) throws NotFound {
    for (String binary : List.of("kube-apiserver", "etcd")) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        throw new NotFound(from + ": no executable " + binary + " in " + dir);
      }
    }
    return dir;
  }

  /** Why no binaries were found. */
  static final class NotFound extends Exception {
    NotFound(String message) {
      super(message);
    }
  }
}
