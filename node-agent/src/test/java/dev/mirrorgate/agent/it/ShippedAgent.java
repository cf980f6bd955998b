package dev.mirrorgate.agent.it;

import dev.mirrorgate.common.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's jar run as the DaemonSet runs it: with the JVM flags and the malloc setting of
 * daemonset.yaml ({@link ShippedEnvironment}), so that what the ITs find (a heap that suffices, or
 * not) holds for what ships.
 */
final class ShippedAgent {

  private final Path jar;
  private final Map<String, String> environment;
  private final List<String> extraJvm = new ArrayList<>();

  private ShippedAgent(Path jar, Map<String, String> environment) {
    this.jar = jar;
    this.environment = environment;
  }

  /**
   * The shipped agent; {@code -Dagent.jvm.extra="..."} adds JVM options for experiments (e.g. to
   * find the smallest heap that still passes).
   */
  static ShippedAgent create() {
    try {
      ShippedAgent a = new ShippedAgent(Requirements.agentJar(), ShippedEnvironment.agent());
      String extra = System.getProperty("agent.jvm.extra", "").trim();
      return extra.isEmpty() ? a : a.withJvm(extra.split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same, with JVM options after the shipped ones (which they override). */
  ShippedAgent withJvm(String... options) {
    ShippedAgent a = new ShippedAgent(jar, environment);
    a.extraJvm.addAll(extraJvm);
    a.extraJvm.addAll(List.of(options));
    return a;
  }

  List<String> command(String... args) {
    List<String> c = new ArrayList<>(List.of(Requirements.java()));
    c.addAll(extraJvm);
    c.addAll(List.of("-jar", jar.toString()));
    c.addAll(List.of(args));
    return c;
  }

  /** The shipped environment, plus {@code extra}. */
  Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(environment);
    env.putAll(extra);
    return env;
  }

  Processes.Result run(Processes procs, String... args) throws Exception {
    return procs.run(command(args), environment(Map.of()));
  }

  Processes.Result run(Processes procs, Map<String, String> env, String... args) throws Exception {
    return procs.run(command(args), environment(env));
  }

  Process start(Processes procs, String name, String... args) throws IOException {
    return procs.start(name, command(args), environment(Map.of()));
  }

  Process start(Processes procs, String name, Map<String, String> env, String... args)
      throws IOException {
    return procs.start(name, command(args), environment(env));
  }
}
