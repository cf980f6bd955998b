package dev.mirrorgate.agent.plan;

import dev.mirrorgate.agent.files.HostRoot;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which outputs a node needs, from what it has: /etc/hosts always, a runtime when its directory
 * exists (followed inside the host root, like every node path).
 */
public final class OutputDetector {

  private OutputDetector() {}

  public static Set<Output> detect(HostRoot root) {
    Set<Output> out = EnumSet.of(Output.HOSTS);
    if (root.isDirectory("etc/containerd")) {
      out.add(Output.CONTAINERD);
    }
    if (root.isDirectory("etc/docker")) {
      out.add(Output.DOCKER);
    }
    if (root.isDirectory("etc/containers") || root.isDirectory("etc/crio")) {
      out.add(Output.CONTAINERS);
    }
    return out;
  }
}
