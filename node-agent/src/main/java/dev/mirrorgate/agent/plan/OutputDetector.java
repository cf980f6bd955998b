package dev.mirrorgate.agent.plan;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which outputs a node needs, from what it has: /etc/hosts always, a runtime when its directory
 * exists. Pure: which node directories exist is asked of {@code isDirectory} (the caller resolves
 * them inside the host root, like every node path).
 */
public final class OutputDetector {

  private OutputDetector() {}

  public static Set<Output> detect(Predicate<String> isDirectory) {
    Set<Output> out = EnumSet.of(Output.HOSTS);
    if (isDirectory.test("etc/containerd")) {
      out.add(Output.CONTAINERD);
    }
    if (isDirectory.test("etc/docker")) {
      out.add(Output.DOCKER);
    }
    if (isDirectory.test("etc/containers") || isDirectory.test("etc/crio")) {
      out.add(Output.CONTAINERS);
    }
    return out;
  }
}
