package dev.mirrorgate.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static Optional<Path> repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(".ci/k8s-bins"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static Path runScript(Path script) throws NotFound {
    try {
      Path err = Files.createTempFile("k8s-bins", ".log");
      try {
        Process process =
            new ProcessBuilder("bash", script.toString())
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
