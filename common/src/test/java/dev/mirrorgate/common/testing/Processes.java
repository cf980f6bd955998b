package dev.mirrorgate.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts and runs the real programs of the ITs; every started process is killed by close(). */
public final class Processes implements AutoCloseable {

  /** The result of a finished command. */
  public record Result(int exit, String output) {}

  private final Path logDir;
  private final List<Process> started = new ArrayList<>();

  public Processes(Path logDir) {
    this.logDir = logDir;
  }

  /** Starts a long-running process, its output in {@code <logDir>/<name>.log}. */
  public Process start(String name, List<String> command) throws IOException {
    return start(name, command, Map.of());
  }

  /** Starts a long-running process with extra environment variables. */
  public Process start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb = builder(command);
    pb.environment().putAll(env);
    pb.redirectOutput(logDir.resolve(name + ".log").toFile());
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  public String log(String name) throws IOException {
    Path f = logDir.resolve(name + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  /** Runs a command to completion (at most two minutes), stdout and stderr merged. */
  public Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  public Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = builder(command);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(logDir, "run", ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed; returns its output. */
  public String ok(List<String> command) throws IOException, InterruptedException {
    Result r = run(command);
    assertThat(r.exit()).as("%s failed:%n%s", command, r.output()).isZero();
    return r.output();
  }

  private static ProcessBuilder builder(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
    return pb;
  }

  @Override
  public void close() {
    List<Process> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
